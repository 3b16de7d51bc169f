//! The moderation desk: staff roles, the moderation settings and the rules that hold a comment.
use serde::{Deserialize, Serialize};

/// What a staff account may do. Admins do everything; editors everything but accounts and
/// settings; writers only their own stories; moderators only comments. (The order is the
/// ladder a ban's maker is compared on; what a role may do is `includes`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Moderation only.
    Moderator,
    /// Moderation, and their own stories: drafts they write and submit for review, never
    /// publish.
    Writer,
    /// Moderation, the Contact Us inbox, and every story: edit, publish, schedule, unpublish.
    Editor,
    /// Everything: accounts and settings too.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Moderator, Role::Writer, Role::Editor, Role::Admin];

    /// Whether this role may do what `need` may: a writer does not moderate (reader addresses
    /// and bans are not theirs to see), a moderator does not write.
    pub fn includes(self, need: Role) -> bool {
        match self {
            Role::Admin => true,
            Role::Editor => need != Role::Admin,
            Role::Writer => need == Role::Writer,
            Role::Moderator => need == Role::Moderator,
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "moderator" => Some(Role::Moderator),
            "writer" => Some(Role::Writer),
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Moderator => "moderator",
            Role::Writer => "writer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Moderator => "Moderator",
            Role::Writer => "Writer",
            Role::Editor => "Editor",
            Role::Admin => "Admin",
        }
    }
}

/// What a part of the desk needs: any staff account (their own account, the way in), or a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    AnyStaff,
    Role(Role),
}

impl From<Role> for Need {
    fn from(r: Role) -> Need {
        Need::Role(r)
    }
}

impl Need {
    pub fn met_by(self, role: Role) -> bool {
        match self {
            Need::AnyStaff => true,
            Need::Role(need) => role.includes(need),
        }
    }
}

/// Which new comments wait for an editor before anyone else sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum HoldMode {
    /// Every comment.
    All,
    /// Comments from an email with no approved comment yet (and comments without an email).
    FirstTime,
    /// None, unless a link or word rule holds it.
    #[default]
    None,
}

impl HoldMode {
    pub fn parse(s: &str) -> Option<HoldMode> {
        match s {
            "all" => Some(HoldMode::All),
            "first_time" => Some(HoldMode::FirstTime),
            "none" => Some(HoldMode::None),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            HoldMode::All => "all",
            HoldMode::FirstTime => "first_time",
            HoldMode::None => "none",
        }
    }
}

/// The settings editors change in the desk (stored in the database).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModerationSettings {
    pub hold: HoldMode,
    /// Hold a comment with more links than this.
    pub max_links: u32,
    /// Hold a comment containing one of these words or phrases (whole words, any case).
    pub block_words: Vec<String>,
    /// Close comments on articles older than this many days; 0: never.
    pub close_after_days: u32,
    /// Hold a comment for review once this many readers reported it; 0: never.
    pub reports_to_hold: u32,
    /// The privacy page's text (Markdown), linked from the comment form.
    pub privacy_text: String,
    /// Client-address hashes older than this many days are erased; 0: kept.
    pub address_days: u32,
}

impl Default for ModerationSettings {
    fn default() -> Self {
        ModerationSettings {
            hold: HoldMode::None,
            max_links: 2,
            block_words: Vec::new(),
            close_after_days: 0,
            reports_to_hold: 3,
            privacy_text: DEFAULT_PRIVACY.to_string(),
            address_days: 90,
        }
    }
}

pub const DEFAULT_PRIVACY: &str = "When you comment, we store the name and text you post (public), \
the email you give (never shown; used for notifications you ask for and to recognise returning \
commenters), and a one-way hash of your network address (for abuse limits; erased after the \
period set by the editors). You can ask for a copy of everything we keep about your email, or for \
its erasure, on this page.";

/// Why a new comment is held, if it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    All,
    FirstTime,
    Links,
    Words,
    Reports,
}

impl HoldReason {
    pub fn as_str(self) -> &'static str {
        match self {
            HoldReason::All => "all",
            HoldReason::FirstTime => "first",
            HoldReason::Links => "links",
            HoldReason::Words => "words",
            HoldReason::Reports => "reports",
        }
    }

    pub fn label_of(stored: &str) -> &'static str {
        match stored {
            "all" => "every comment is held",
            "first" => "first comment from this email",
            "links" => "too many links",
            "words" => "a blocked word",
            "reports" => "reported by readers",
            "imported" => "awaiting moderation on the old site (imported)",
            _ => "held",
        }
    }
}

/// Decides whether a new comment is held. `has_approved`: its email has an approved comment.
pub fn hold_reason(
    s: &ModerationSettings,
    body: &str,
    email: Option<&str>,
    has_approved: bool,
) -> Option<HoldReason> {
    if s.hold == HoldMode::All {
        return Some(HoldReason::All);
    }
    if count_links(body) > s.max_links as usize {
        return Some(HoldReason::Links);
    }
    if s.block_words.iter().any(|w| contains_word(body, w)) {
        return Some(HoldReason::Words);
    }
    if s.hold == HoldMode::FirstTime && (email.is_none() || !has_approved) {
        return Some(HoldReason::FirstTime);
    }
    None
}

/// Links in a comment's text: every `http://`, `https://` and `www.` it mentions (Markdown links
/// included), in any case.
pub fn count_links(text: &str) -> usize {
    let lower = text.to_lowercase();
    let schemes = lower.matches("http://").count() + lower.matches("https://").count();
    // a bare `www.` not already counted as part of a URL
    let bare = lower.match_indices("www.").filter(|(i, _)| !lower[..*i].ends_with("//")).count();
    schemes + bare
}

/// Whether `text` contains `phrase` as whole words, in any case (Unicode). A phrase in a
/// script written without spaces (Chinese, Japanese, Thai) matches anywhere in the text.
pub fn contains_word(text: &str, phrase: &str) -> bool {
    let wanted = words(phrase);
    if wanted.is_empty() {
        return false;
    }
    if phrase.chars().filter(|c| c.is_alphanumeric()).all(unspaced_script) {
        let joined: String = wanted.concat();
        return words(text).concat().contains(&joined);
    }
    let have = words(text);
    have.windows(wanted.len()).any(|w| w == wanted.as_slice())
}

/// The lower-cased words of a text: runs of letters, digits and joining marks.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || is_mark(c) || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

/// Combining marks (accents written as separate characters) belong to their word.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E | 0x200D)
}

fn unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x0E00..=0x0E7F    // Thai
        | 0x0E80..=0x0EFF    // Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
        | 0x20000..=0x3134F) // CJK Extensions B–G
}

/// The reasons a reader may give when reporting a comment.
pub const REPORT_REASONS: [(&str, &str); 5] = [
    ("spam", "Spam or advertising"),
    ("abuse", "Abusive, hateful or harassing"),
    ("off_topic", "Off topic"),
    ("personal", "Shares someone's private information"),
    ("other", "Something else"),
];

pub fn report_reason_label(value: &str) -> &'static str {
    REPORT_REASONS.iter().find(|(v, _)| *v == value).map(|(_, l)| *l).unwrap_or("Something else")
}

/// A comment's place in the desk's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Queue {
    #[default]
    Pending,
    Reported,
    Approved,
    Spam,
    Trash,
}

impl Queue {
    pub const ALL: [Queue; 5] = [Queue::Pending, Queue::Reported, Queue::Approved, Queue::Spam, Queue::Trash];

    pub fn parse(s: &str) -> Option<Queue> {
        Queue::ALL.into_iter().find(|q| q.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Queue::Pending => "pending",
            Queue::Reported => "reported",
            Queue::Approved => "approved",
            Queue::Spam => "spam",
            Queue::Trash => "trash",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Queue::Pending => "Pending",
            Queue::Reported => "Reported",
            Queue::Approved => "Approved",
            Queue::Spam => "Spam",
            Queue::Trash => "Trash",
        }
    }
}

/// What an editor can do to a comment from the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Moderation {
    Approve,
    Spam,
    Trash,
    Restore,
    Pin,
    Unpin,
    Feature,
    Unfeature,
}

impl Moderation {
    pub fn parse(s: &str) -> Option<Moderation> {
        Some(match s {
            "approve" => Moderation::Approve,
            "spam" => Moderation::Spam,
            "trash" => Moderation::Trash,
            "restore" => Moderation::Restore,
            "pin" => Moderation::Pin,
            "unpin" => Moderation::Unpin,
            "feature" => Moderation::Feature,
            "unfeature" => Moderation::Unfeature,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Moderation::Approve => "approve",
            Moderation::Spam => "spam",
            Moderation::Trash => "trash",
            Moderation::Restore => "restore",
            Moderation::Pin => "pin",
            Moderation::Unpin => "unpin",
            Moderation::Feature => "feature",
            Moderation::Unfeature => "unfeature",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Moderation::Approve => "Approve",
            Moderation::Spam => "Spam",
            Moderation::Trash => "Trash",
            Moderation::Restore => "Restore",
            Moderation::Pin => "Pin",
            Moderation::Unpin => "Unpin",
            Moderation::Feature => "Feature",
            Moderation::Unfeature => "Unfeature",
        }
    }
}

#[cfg(test)]
mod role_tests {
    use super::*;

    #[test]
    fn writers_do_not_moderate_and_moderators_do_not_write() {
        assert!(!Role::Writer.includes(Role::Moderator));
        assert!(!Role::Moderator.includes(Role::Writer));
        assert!(Role::Editor.includes(Role::Writer) && Role::Editor.includes(Role::Moderator));
        assert!(!Role::Editor.includes(Role::Admin));
        assert!(Role::ALL.iter().all(|r| Role::Admin.includes(*r) && r.includes(*r)));
        assert!(Role::ALL.iter().all(|r| Need::AnyStaff.met_by(*r)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_words_match_whole_words_in_any_case_and_script() {
        assert!(contains_word("You are a SCAMMER, sir", "scammer"));
        assert!(!contains_word("the scammers' den", "scammer"));
        assert!(!contains_word("Scunthorpe United", "cunt"));
        assert!(contains_word("ÉLAN vital", "élan"));
        // the accent typed as a combining mark
        assert!(contains_word("Quel e\u{301}lan!", "e\u{301}lan"));
        assert!(contains_word("buy cheap pills now", "cheap pills"));
        assert!(!contains_word("cheap, good pills", "cheap pills"));
        assert!(contains_word("这是垃圾广告内容", "广告"));
        assert!(contains_word("DIE STRASSE", "Strasse"));
        assert!(!contains_word("anything", ""));
        assert!(!contains_word("anything", "   "));
    }

    #[test]
    fn links_are_counted_whatever_their_form() {
        assert_eq!(count_links("no links here"), 0);
        assert_eq!(count_links("see https://a.example and HTTP://b.example"), 2);
        assert_eq!(count_links("[x](https://www.a.example) www.b.example"), 2);
    }

    #[test]
    fn holding_follows_the_settings() {
        let mut s = ModerationSettings::default();
        assert_eq!(hold_reason(&s, "fine", Some("a@x"), false), None);
        s.hold = HoldMode::FirstTime;
        assert_eq!(hold_reason(&s, "fine", Some("a@x"), false), Some(HoldReason::FirstTime));
        assert_eq!(hold_reason(&s, "fine", Some("a@x"), true), None);
        assert_eq!(hold_reason(&s, "fine", None, true), Some(HoldReason::FirstTime));
        s.hold = HoldMode::None;
        s.max_links = 1;
        assert_eq!(hold_reason(&s, "http://a http://b", None, false), Some(HoldReason::Links));
        s.block_words = vec!["Viagra".into()];
        assert_eq!(hold_reason(&s, "buy viagra", None, false), Some(HoldReason::Words));
        s.hold = HoldMode::All;
        assert_eq!(hold_reason(&s, "fine", Some("a@x"), true), Some(HoldReason::All));
    }
}

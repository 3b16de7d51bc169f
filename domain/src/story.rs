//! Stories written in the desk: where a story is on its way to readers, who may move it, and
//! what the editor's form sends, checked.
use crate::desk::Role;
use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// Where a story is. Readers and crawlers see only `Published` ones, by every path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoryStatus {
    Draft,
    /// Submitted by its writer; waiting for an editor.
    Review,
    /// Published by the worker at its time.
    Scheduled,
    Published,
    /// Taken down: its address answers 410 Gone; its comments are kept for the desk.
    Unpublished,
}

impl StoryStatus {
    pub const ALL: [StoryStatus; 5] = [
        StoryStatus::Draft,
        StoryStatus::Review,
        StoryStatus::Scheduled,
        StoryStatus::Published,
        StoryStatus::Unpublished,
    ];

    /// As stored (the schema allows only these).
    pub fn as_str(self) -> &'static str {
        match self {
            StoryStatus::Draft => "draft",
            StoryStatus::Review => "review",
            StoryStatus::Scheduled => "scheduled",
            StoryStatus::Published => "published",
            StoryStatus::Unpublished => "unpublished",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StoryStatus::Draft => "Draft",
            StoryStatus::Review => "In review",
            StoryStatus::Scheduled => "Scheduled",
            StoryStatus::Published => "Published",
            StoryStatus::Unpublished => "Unpublished",
        }
    }

    pub fn parse(s: &str) -> Option<StoryStatus> {
        StoryStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// A stored value; one the schema does not allow is a draft (shown to nobody).
    pub fn stored(s: &str) -> StoryStatus {
        StoryStatus::parse(s).unwrap_or(StoryStatus::Draft)
    }
}

/// What the desk does to a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoryAction {
    /// Start a new story (a draft).
    Create,
    /// Save the text: a new revision.
    Save,
    /// Draft → in review.
    Submit,
    /// → scheduled at a time.
    Schedule,
    /// Scheduled → draft.
    Unschedule,
    /// → published now.
    Publish,
    /// Published → unpublished.
    Unpublish,
}

impl StoryAction {
    pub const ALL: [StoryAction; 7] = [
        StoryAction::Create,
        StoryAction::Save,
        StoryAction::Submit,
        StoryAction::Schedule,
        StoryAction::Unschedule,
        StoryAction::Publish,
        StoryAction::Unpublish,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StoryAction::Create => "create",
            StoryAction::Save => "save",
            StoryAction::Submit => "submit",
            StoryAction::Schedule => "schedule",
            StoryAction::Unschedule => "unschedule",
            StoryAction::Publish => "publish",
            StoryAction::Unpublish => "unpublish",
        }
    }

    pub fn parse(s: &str) -> Option<StoryAction> {
        StoryAction::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// What the audit log and the desk's notice say it did.
    pub fn done(self) -> &'static str {
        match self {
            StoryAction::Create => "Draft started.",
            StoryAction::Save => "Saved.",
            StoryAction::Submit => "Submitted for review: an editor will see it under “In review”.",
            StoryAction::Schedule => "Scheduled.",
            StoryAction::Unschedule => "No longer scheduled: it is a draft again.",
            StoryAction::Publish => "Published: readers see it now.",
            StoryAction::Unpublish => "Unpublished: its address answers “gone”.",
        }
    }
}

/// Whether `role` may do `action` to a story in `status`; `own`: the staff member started it.
/// Writers write and edit their own drafts and submit them; they never publish. Editors and
/// admins do everything. Moderators do nothing to stories.
pub fn allowed(role: Role, action: StoryAction, status: Option<StoryStatus>, own: bool) -> bool {
    match role {
        Role::Moderator => false,
        Role::Editor | Role::Admin => true,
        Role::Writer => match action {
            StoryAction::Create => true,
            StoryAction::Save => own && matches!(status, Some(StoryStatus::Draft | StoryStatus::Review)),
            StoryAction::Submit => own && status == Some(StoryStatus::Draft),
            _ => false,
        },
    }
}

/// The status `action` moves a story in `status` to (`None`: it cannot from there).
pub fn next(status: StoryStatus, action: StoryAction) -> Option<StoryStatus> {
    use StoryAction as A;
    use StoryStatus as S;
    match (action, status) {
        (A::Create, _) => None,
        (A::Save, s) => Some(s),
        (A::Submit, S::Draft) => Some(S::Review),
        (A::Schedule, S::Draft | S::Review | S::Scheduled | S::Unpublished) => Some(S::Scheduled),
        (A::Unschedule, S::Scheduled) => Some(S::Draft),
        (A::Publish, S::Draft | S::Review | S::Scheduled | S::Unpublished) => Some(S::Published),
        (A::Unpublish, S::Published) => Some(S::Unpublished),
        _ => None,
    }
}

/// The editor's text fields, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryText {
    pub title: String,
    pub standfirst: String,
    pub body_markdown: String,
    pub section: String,
    /// Comma-separated as typed.
    pub tags: String,
    /// Empty: made from the title.
    pub slug: String,
    /// "correction" or "update".
    #[serde(default)]
    pub note_kind: String,
    /// A correction or update shown on the story, dated when it changes (empty: none).
    #[serde(default)]
    pub note: String,
    /// The staff members it is by, in byline order (none: "the newsroom").
    #[serde(default)]
    pub authors: Vec<i64>,
}

pub const MAX_TITLE: usize = 200;
pub const MAX_STANDFIRST: usize = 600;
/// Characters of Markdown: a long read is 60,000; this leaves room.
pub const MAX_BODY: usize = 200_000;
pub const MAX_SECTION: usize = 40;
pub const MAX_TAG: usize = 40;
pub const MAX_TAGS: usize = 12;
pub(crate) use crate::text::collapse;
pub use crate::text::{slugify, valid_slug, MAX_SLUG};
pub const MAX_NOTE: usize = 1_000;
pub const MAX_AUTHORS: usize = 6;

/// The story's text, checked and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedStory {
    pub title: String,
    pub standfirst: String,
    pub body_markdown: String,
    pub section: String,
    pub tags: Vec<String>,
    pub slug: String,
    pub note_kind: String,
    pub note: String,
    /// In byline order, each once.
    pub authors: Vec<i64>,
}

impl StoryText {
    /// Checks the fields; every problem at once, by field.
    pub fn check(&self) -> Result<CheckedStory, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut bad = |field: &str, message: String| errors.push(FieldError { field: field.into(), message });
        let title = collapse(&self.title);
        if title.is_empty() {
            bad("title", "Give the story a headline.".into());
        } else if title.chars().count() > MAX_TITLE {
            bad("title", format!("The headline is longer than {MAX_TITLE} characters."));
        }
        let standfirst = collapse(&self.standfirst);
        if standfirst.chars().count() > MAX_STANDFIRST {
            bad("standfirst", format!("The standfirst is longer than {MAX_STANDFIRST} characters."));
        }
        let body_markdown = self.body_markdown.replace("\r\n", "\n").replace('\0', "");
        if body_markdown.chars().count() > MAX_BODY {
            bad("body", format!("The text is longer than {MAX_BODY} characters."));
        }
        let section = collapse(&self.section);
        if section.is_empty() {
            bad("section", "Choose a section.".into());
        } else if section.chars().count() > MAX_SECTION {
            bad("section", format!("A section name is at most {MAX_SECTION} characters."));
        }
        let mut tags: Vec<String> = Vec::new();
        for t in self.tags.split(',').map(collapse).filter(|t| !t.is_empty()) {
            if !tags.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
                tags.push(t);
            }
        }
        if tags.len() > MAX_TAGS {
            bad("tags", format!("At most {MAX_TAGS} tags."));
        } else if tags.iter().any(|t| t.chars().count() > MAX_TAG) {
            bad("tags", format!("A tag is at most {MAX_TAG} characters."));
        }
        let slug = if self.slug.trim().is_empty() { slugify(&title) } else { self.slug.trim().to_string() };
        if !valid_slug(&slug) {
            bad(
                "slug",
                format!(
                    "An address is 1 to {MAX_SLUG} lower-case letters, digits and hyphens (no hyphen at either end)."
                ),
            );
        }
        let note = collapse(&self.note);
        if note.chars().count() > MAX_NOTE {
            bad("note", format!("A correction or update note is at most {MAX_NOTE} characters."));
        }
        let note_kind = if self.note_kind == "update" { "update" } else { "correction" }.to_string();
        let mut authors: Vec<i64> = Vec::new();
        for &a in &self.authors {
            if !authors.contains(&a) {
                authors.push(a);
            }
        }
        if authors.len() > MAX_AUTHORS {
            bad("authors", format!("A story has at most {MAX_AUTHORS} authors."));
        }
        if errors.is_empty() {
            Ok(CheckedStory {
                title,
                standfirst,
                body_markdown,
                section,
                tags,
                slug,
                note_kind,
                note,
                authors,
            })
        } else {
            Err(errors)
        }
    }
}

/// One line of a comparison between two texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiffLine {
    Same(String),
    Removed(String),
    Added(String),
}

/// Lines compared at most (old × new, after the common start and end are set aside): past it,
/// the middle shows as removed, then added.
const DIFF_CELLS: usize = 4_000_000;

/// What changed from `old` to `new`, line by line (a longest common subsequence of lines).
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let start = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let end = a[start..].iter().rev().zip(b[start..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (am, bm) = (&a[start..a.len() - end], &b[start..b.len() - end]);
    let mut out: Vec<DiffLine> = a[..start].iter().map(|l| DiffLine::Same(l.to_string())).collect();
    if am.len().saturating_mul(bm.len()) > DIFF_CELLS {
        out.extend(am.iter().map(|l| DiffLine::Removed(l.to_string())));
        out.extend(bm.iter().map(|l| DiffLine::Added(l.to_string())));
    } else {
        // lengths of the longest common subsequence of am[i..] and bm[j..]
        let (n, m) = (am.len(), bm.len());
        let mut lcs = vec![0u32; (n + 1) * (m + 1)];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * (m + 1) + j] = if am[i] == bm[j] {
                    lcs[(i + 1) * (m + 1) + j + 1] + 1
                } else {
                    lcs[(i + 1) * (m + 1) + j].max(lcs[i * (m + 1) + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && am[i] == bm[j] {
                out.push(DiffLine::Same(am[i].to_string()));
                i += 1;
                j += 1;
            } else if j < m && (i == n || lcs[i * (m + 1) + j + 1] >= lcs[(i + 1) * (m + 1) + j]) {
                out.push(DiffLine::Added(bm[j].to_string()));
                j += 1;
            } else {
                out.push(DiffLine::Removed(am[i].to_string()));
                i += 1;
            }
        }
    }
    out.extend(a[a.len() - end..].iter().map(|l| DiffLine::Same(l.to_string())));
    out
}

/// A revision compared with the story's text now, or brought back into the editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RevisionView {
    Compare { revision: i64, title: (String, String), lines: Vec<DiffLine> },
    Restore { revision: i64 },
}

/// The desk's list of stories: one status's (or all), with how many each status holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryList {
    pub rows: Vec<StoryRow>,
    /// `None`: every status.
    pub status: Option<StoryStatus>,
    pub counts: Vec<(StoryStatus, i64)>,
}

/// A story as the desk's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub section: String,
    pub status: StoryStatus,
    /// Who started it (none: a content file or an import).
    pub writer: Option<String>,
    pub published_at: i64,
    pub publish_at: Option<i64>,
    /// The last save in the desk (none: never edited there).
    pub desk_edited_at: Option<i64>,
}

/// One saved revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionRow {
    pub revision: i64,
    pub saved_by: String,
    pub saved_at: i64,
}

/// A story opened in the editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryEdit {
    pub id: i64,
    pub text: StoryText,
    pub status: StoryStatus,
    /// The revision this text is; a save names it, and is refused if another came since.
    pub revision: i64,
    pub publish_at: Option<i64>,
    pub published_at: i64,
    pub listed: bool,
    pub comments_mode: crate::article::CommentsMode,
    /// Started by the staff member looking at it.
    pub own: bool,
    /// Published once: a new slug leaves the old address answering with a redirect.
    pub slug_locked: bool,
    /// Edited in the desk: its content file no longer replaces it.
    pub desk_edited: bool,
    /// Who can be named as an author (active writers, editors and admins, and whoever the story
    /// names already), by their byline's name.
    #[serde(default)]
    pub author_choices: Vec<(i64, String)>,
    pub revisions: Vec<RevisionRow>,
    /// `?compare=N` or `?restore=N`: revision N against the text now, or its text in the form.
    #[serde(default)]
    pub revision_view: Option<RevisionView>,
    /// A link showing the latest saved text to someone outside the desk (not for a story taken
    /// down).
    #[serde(default)]
    pub preview: Option<PreviewLink>,
}

/// A signed, expiring address of a story's preview (`/preview/{id}?expires=…&sig=…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewLink {
    /// The whole address, the site's base URL included.
    pub url: String,
    pub expires: i64,
}

/// How long a preview link works: three days from the hour it was made in.
pub const PREVIEW_HOURS: i64 = 72;

/// When a link made at `now` expires: on the hour, so the desk shows one link per hour.
pub fn preview_expiry(now: i64) -> i64 {
    (now.div_euclid(3600) + 1 + PREVIEW_HOURS) * 3600
}

/// What a preview link's signature covers (prefixed: no other signed value reads the same).
pub fn preview_signed(id: i64, expires: i64) -> String {
    format!("story-preview:{id}:{expires}")
}

/// A story as its preview link shows it: the latest saved text, rendered as the public page's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryPreview {
    pub title: String,
    pub standfirst: String,
    pub section: String,
    pub body_html: String,
    /// "Ana Ruiz and Tom Ng" (empty: the newsroom).
    pub byline: String,
    pub status: StoryStatus,
    pub expires: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_write_and_submit_their_own_and_never_publish() {
        use StoryAction as A;
        use StoryStatus as S;
        assert!(allowed(Role::Writer, A::Create, None, false));
        assert!(allowed(Role::Writer, A::Save, Some(S::Draft), true));
        assert!(allowed(Role::Writer, A::Save, Some(S::Review), true));
        assert!(!allowed(Role::Writer, A::Save, Some(S::Draft), false), "another writer's draft");
        assert!(!allowed(Role::Writer, A::Save, Some(S::Published), true), "a published story");
        assert!(allowed(Role::Writer, A::Submit, Some(S::Draft), true));
        for a in [A::Schedule, A::Unschedule, A::Publish, A::Unpublish] {
            for s in S::ALL {
                assert!(!allowed(Role::Writer, a, Some(s), true), "{a:?} {s:?}");
            }
        }
        for a in A::ALL {
            assert!(!allowed(Role::Moderator, a, Some(S::Draft), true), "{a:?}");
            assert!(allowed(Role::Editor, a, Some(S::Draft), false), "{a:?}");
        }
    }

    #[test]
    fn a_story_moves_only_along_its_way() {
        use StoryAction as A;
        use StoryStatus as S;
        assert_eq!(next(S::Draft, A::Submit), Some(S::Review));
        assert_eq!(next(S::Review, A::Submit), None);
        assert_eq!(next(S::Review, A::Schedule), Some(S::Scheduled));
        assert_eq!(next(S::Scheduled, A::Unschedule), Some(S::Draft));
        assert_eq!(next(S::Published, A::Publish), None);
        assert_eq!(next(S::Published, A::Unpublish), Some(S::Unpublished));
        assert_eq!(next(S::Unpublished, A::Publish), Some(S::Published));
        assert_eq!(next(S::Draft, A::Unpublish), None);
    }

    #[test]
    fn the_form_is_checked_field_by_field() {
        let ok = StoryText {
            title: "  Ankara’s  quiet\nexiles ".into(),
            standfirst: "".into(),
            body_markdown: "Text\r\nmore".into(),
            section: "World".into(),
            tags: "Turkey, uyghurs, turkey,  ".into(),
            slug: "".into(),
            ..Default::default()
        }
        .check()
        .unwrap();
        assert_eq!(ok.title, "Ankara’s quiet exiles");
        assert_eq!(ok.slug, "ankaras-quiet-exiles");
        assert_eq!(ok.tags, vec!["Turkey".to_string(), "uyghurs".to_string()]);
        assert_eq!(ok.body_markdown, "Text\nmore");
        let bad = StoryText { slug: "Bad Slug".into(), ..Default::default() }.check().unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "section", "slug"]);
    }

    #[test]
    fn headlines_in_other_scripts_get_an_address() {
        assert_eq!(slugify("Uyghurlar Türkiye’de: İstanbul"), "uyghurlar-turkiyede-istanbul");
        assert_eq!(slugify("ئۇيغۇرلار"), "story");
        assert_eq!(slugify("--Hello,  World!--"), "hello-world");
    }

    #[test]
    fn a_diff_names_the_lines_removed_and_added() {
        use DiffLine::*;
        let d = line_diff("a\nb\nc\nd", "a\nc\nx\nd");
        assert_eq!(
            d,
            vec![
                Same("a".into()),
                Removed("b".into()),
                Same("c".into()),
                Added("x".into()),
                Same("d".into())
            ]
        );
        assert_eq!(line_diff("", "new"), vec![Added("new".into())]);
    }

    proptest::proptest! {
        #[test]
        fn a_diff_rebuilds_both_texts(old in "[abc\n]{0,60}", new in "[abc\n]{0,60}") {
            let d = line_diff(&old, &new);
            let before: Vec<&str> = d.iter().filter_map(|l| match l { DiffLine::Same(s) | DiffLine::Removed(s) => Some(s.as_str()), _ => None }).collect();
            let after: Vec<&str> = d.iter().filter_map(|l| match l { DiffLine::Same(s) | DiffLine::Added(s) => Some(s.as_str()), _ => None }).collect();
            proptest::prop_assert_eq!(before, old.lines().collect::<Vec<_>>());
            proptest::prop_assert_eq!(after, new.lines().collect::<Vec<_>>());
        }

        #[test]
        fn any_headline_makes_a_valid_address(title in "\\PC{0,300}") {
            let slug = slugify(&title);
            proptest::prop_assert!(valid_slug(&slug), "{:?} → {:?}", title, slug);
        }

        #[test]
        fn any_form_is_checked_without_panicking(
            title in "\\PC{0,250}", body in "\\PC{0,500}", section in "\\PC{0,50}",
            tags in "\\PC{0,200}", slug in "\\PC{0,120}",
        ) {
            let t = StoryText { title, body_markdown: body, section, tags, slug, ..Default::default() };
            if let Ok(c) = t.check() {
                proptest::prop_assert!(valid_slug(&c.slug));
                proptest::prop_assert!(!c.title.is_empty() && !c.section.is_empty());
                proptest::prop_assert!(!c.body_markdown.contains('\0'));
            }
        }
    }
}

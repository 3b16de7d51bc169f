//! The site's identity: its name, tagline, Contact Information, navigation and footer. Settings
//! an admin changes in the desk (Desk → Settings), not code; the seed site's are the defaults.
use serde::{Deserialize, Serialize};

/// What every page's header and footer show, and what JSON-LD and the feeds call the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteIdentity {
    pub name: String,
    pub tagline: String,
    /// Contact Information: the street line, then "city, region postal code".
    pub street: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    /// ISO 3166 two-letter country code, for JSON-LD (`US`).
    pub country: String,
    /// The header's links, in order ("Search" follows them on every page).
    pub nav: Vec<NavLink>,
    /// The footer's line of text.
    pub footer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavLink {
    pub label: String,
    pub href: String,
}

impl Default for SiteIdentity {
    fn default() -> Self {
        let link = |label: &str, href: &str| NavLink { label: label.into(), href: href.into() };
        SiteIdentity {
            name: "Byline".into(),
            tagline: "Independent news, open to its readers".into(),
            street: "Oak Avenue".into(),
            city: "Manhattan Beach".into(),
            region: "California".into(),
            postal_code: "90266".into(),
            country: "US".into(),
            nav: vec![link("Home", "/"), link("World", "/section/world"), link("Contact Us", "/contact")],
            footer: "© Byline. Comments are the views of their authors.".into(),
        }
    }
}

impl SiteIdentity {
    /// The second line of the address: "Manhattan Beach, California 90266".
    pub fn city_line(&self) -> String {
        let mut line = self.city.clone();
        let rest = [self.region.as_str(), self.postal_code.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !rest.is_empty() {
            if !line.is_empty() {
                line.push_str(", ");
            }
            line.push_str(&rest);
        }
        line
    }

    /// The navigation as the desk's text box shows it: one `Label | /address` per line.
    pub fn nav_text(&self) -> String {
        self.nav.iter().map(|l| format!("{} | {}", l.label, l.href)).collect::<Vec<_>>().join("\n")
    }
}

pub const MAX_NAME: usize = 60;
pub const MAX_TAGLINE: usize = 160;
pub const MAX_ADDRESS_PART: usize = 120;
pub const MAX_FOOTER: usize = 300;
pub const MAX_NAV: usize = 12;
pub const MAX_LABEL: usize = 40;
pub const MAX_HREF: usize = 300;

/// What the desk's form sent, as typed.
#[derive(Debug, Clone, Default)]
pub struct SiteForm<'a> {
    pub name: &'a str,
    pub tagline: &'a str,
    pub street: &'a str,
    pub city: &'a str,
    pub region: &'a str,
    pub postal_code: &'a str,
    pub country: &'a str,
    pub nav: &'a str,
    pub footer: &'a str,
}

/// One line of text: trimmed, runs of whitespace (newlines, tabs) as one space, no control
/// characters; `None` when longer than `max` characters.
fn line(text: &str, max: usize) -> Option<String> {
    let cleaned: String = text.chars().filter(|c| !c.is_control() || c.is_whitespace()).collect();
    let one = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    (one.chars().count() <= max).then_some(one)
}

/// A link the header may carry: an address on this site (`/section/world`, never `//host`) or
/// a web address (`https://…`), with no spaces, quotes or angle brackets.
pub fn valid_href(href: &str) -> bool {
    let plain = !href.is_empty()
        && href.chars().count() <= MAX_HREF
        && !href.chars().any(|c| c.is_whitespace() || c.is_control() || "\"'<>\\`".contains(c));
    let local = href.starts_with('/') && !href.starts_with("//");
    let web = ["https://", "http://"]
        .iter()
        .any(|s| href.len() > s.len() && href.get(..s.len()).is_some_and(|p| p.eq_ignore_ascii_case(s)));
    plain && (local || web)
}

/// Reads the navigation box: `Label | /address` per line, blank lines skipped.
pub fn parse_nav(text: &str) -> Result<Vec<NavLink>, String> {
    let mut nav = Vec::new();
    for (n, raw) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let Some((label, href)) = raw.rsplit_once('|') else {
            return Err(format!("Navigation line {}: write it as “Label | /address”.", n + 1));
        };
        let Some(label) = line(label, MAX_LABEL).filter(|l| !l.is_empty()) else {
            return Err(format!("Navigation line {}: the label is 1 to {MAX_LABEL} characters.", n + 1));
        };
        let href = href.trim();
        if !valid_href(href) {
            return Err(format!(
                "Navigation line {}: the address is a path on this site (/section/world) or a web address (https://…).",
                n + 1
            ));
        }
        nav.push(NavLink { label, href: href.to_string() });
        if nav.len() > MAX_NAV {
            return Err(format!("The navigation holds at most {MAX_NAV} links."));
        }
    }
    Ok(nav)
}

impl SiteForm<'_> {
    /// The identity to save, or what to fix (one message, in the editors' words).
    pub fn check(&self) -> Result<SiteIdentity, String> {
        let Some(name) = line(self.name, MAX_NAME).filter(|n| !n.is_empty()) else {
            return Err(format!("The site's name is required (at most {MAX_NAME} characters)."));
        };
        let Some(tagline) = line(self.tagline, MAX_TAGLINE) else {
            return Err(format!("The tagline can be at most {MAX_TAGLINE} characters."));
        };
        let mut parts = Vec::new();
        for (label, text) in [
            ("street", self.street),
            ("city", self.city),
            ("region", self.region),
            ("postal code", self.postal_code),
        ] {
            let Some(part) = line(text, MAX_ADDRESS_PART) else {
                return Err(format!("The {label} can be at most {MAX_ADDRESS_PART} characters."));
            };
            parts.push(part);
        }
        if parts[0].is_empty() || parts[1].is_empty() {
            return Err("Contact Information needs at least a street and a city.".into());
        }
        let country = self.country.trim().to_ascii_uppercase();
        if !(country.is_empty() || (country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()))) {
            return Err("The country is a two-letter code (US, GB, DE…), or empty.".into());
        }
        let nav = parse_nav(self.nav)?;
        let Some(footer) = line(self.footer, MAX_FOOTER) else {
            return Err(format!("The footer can be at most {MAX_FOOTER} characters."));
        };
        let [street, city, region, postal_code] = <[String; 4]>::try_from(parts).unwrap_or_default();
        Ok(SiteIdentity { name, tagline, street, city, region, postal_code, country, nav, footer })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn form<'a>(nav: &'a str) -> SiteForm<'a> {
        SiteForm {
            name: "The Beach Reporter",
            tagline: "News of the South Bay",
            street: "Oak Avenue",
            city: "Manhattan Beach",
            region: "California",
            postal_code: "90266",
            country: "us",
            nav,
            footer: "© The Beach Reporter",
        }
    }

    #[test]
    fn the_defaults_are_the_seed_sites() {
        let s = SiteIdentity::default();
        assert_eq!(
            format!("{}, {}", s.street, s.city_line()),
            "Oak Avenue, Manhattan Beach, California 90266"
        );
        assert!(s.nav.iter().any(|l| l.label == "Contact Us" && l.href == "/contact"));
    }

    #[test]
    fn a_form_is_read_in_order_and_cleaned() {
        let s = form("Home | /\n\n  Local  news |/section/local\nPartner | https://example.org/a?b=1")
            .check()
            .unwrap();
        assert_eq!(s.country, "US");
        assert_eq!(
            s.nav.iter().map(|l| (l.label.as_str(), l.href.as_str())).collect::<Vec<_>>(),
            [("Home", "/"), ("Local news", "/section/local"), ("Partner", "https://example.org/a?b=1")]
        );
        assert_eq!(parse_nav(&s.nav_text()).unwrap(), s.nav);
    }

    #[test]
    fn hostile_links_are_refused() {
        for bad in [
            "X | javascript:alert(1)",
            "X | //evil.example",
            "X | /a\" onmouseover=\"x",
            "X | data:text/html,hi",
            "X | ",
            " | /",
            "no bar here",
            "X | /\\evil",
        ] {
            assert!(form(bad).check().is_err(), "{bad}");
        }
        let many = (0..13).map(|i| format!("L{i} | /{i}")).collect::<Vec<_>>().join("\n");
        assert!(form(&many).check().unwrap_err().contains("at most 12"));
    }

    #[test]
    fn required_parts_and_lengths() {
        assert!(SiteForm { name: "  ", ..form("") }.check().is_err());
        assert!(SiteForm { street: "", ..form("") }.check().is_err());
        assert!(SiteForm { country: "USA", ..form("") }.check().is_err());
        assert!(SiteForm { tagline: &"x".repeat(161), ..form("") }.check().is_err());
        assert_eq!(SiteForm { name: "A\u{0}B\nC", ..form("") }.check().unwrap().name, "AB C");
    }

    proptest! {
        #[test]
        fn any_text_is_read_or_refused_and_what_is_read_reads_again(
            name in "\\PC{0,80}", nav in "(\\PC{0,30}\\|?\\PC{0,30}\n?){0,14}", footer in "\\PC{0,400}"
        ) {
            if let Ok(s) = (SiteForm { name: &name, nav: &nav, footer: &footer, ..form("") }).check() {
                prop_assert!(!s.name.is_empty() && s.name.chars().count() <= MAX_NAME);
                prop_assert!(s.nav.iter().all(|l| valid_href(&l.href)));
                prop_assert_eq!(parse_nav(&s.nav_text()).unwrap(), s.nav);
            }
        }
    }
}

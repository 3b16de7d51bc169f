//! Authors: the staff members a story is by. Each has a public face — the name their byline
//! shows, a short bio, and an author page (`/authors/{slug}`) listing their stories. A staff
//! account's email and role are never shown; an author page exists only while a reader can see
//! one of its stories.
use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// A name in a byline, with where it leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Byline {
    pub name: String,
    pub slug: String,
}

impl Byline {
    pub fn path(&self) -> String {
        format!("/authors/{}", self.slug)
    }
}

/// "By the Byline newsroom", "By Ana Ruiz", "By Ana Ruiz and Tom Ng", "By A, B and C".
pub fn byline_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

pub const MAX_PUBLIC_NAME: usize = 80;
pub const MAX_BIO: usize = 600;

/// What a staff member says of themselves on their author page, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Empty: the account's name.
    pub public_name: String,
    pub bio: String,
    /// Empty: made from the byline's name.
    pub slug: String,
}

impl Profile {
    /// Checked and normalised (whitespace runs as one space), every problem at once; `name`
    /// is the account's name (the byline's when none is given).
    pub fn check(&self, name: &str) -> Result<Profile, Vec<FieldError>> {
        let mut errors = Vec::new();
        let public_name = crate::text::collapse(&self.public_name);
        if public_name.chars().count() > MAX_PUBLIC_NAME {
            errors.push(FieldError {
                field: "public_name".into(),
                message: format!("A byline name is at most {MAX_PUBLIC_NAME} characters."),
            });
        }
        let bio = crate::text::collapse(&self.bio);
        if bio.chars().count() > MAX_BIO {
            errors.push(FieldError {
                field: "bio".into(),
                message: format!("A bio is at most {MAX_BIO} characters."),
            });
        }
        let shown = if public_name.is_empty() { name } else { &public_name };
        let slug =
            if self.slug.trim().is_empty() { author_slug(shown) } else { self.slug.trim().to_string() };
        if !crate::text::valid_slug(&slug) {
            errors.push(FieldError {
                field: "author_slug".into(),
                message: "An author page's address is lower-case letters, digits and single hyphens.".into(),
            });
        }
        if errors.is_empty() {
            Ok(Profile { public_name, bio, slug })
        } else {
            Err(errors)
        }
    }
}

/// An author page's address made from a name (`Zoë O'Brien` → `zoe-obrien`); "author" when
/// nothing is left (a name in another script).
pub fn author_slug(name: &str) -> String {
    match crate::text::slugify(name) {
        s if s == "story" && !name.to_lowercase().contains("story") => "author".into(),
        s => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bylines_read_as_english() {
        assert_eq!(byline_names(&["Ana Ruiz"]), "Ana Ruiz");
        assert_eq!(byline_names(&["Ana Ruiz", "Tom Ng"]), "Ana Ruiz and Tom Ng");
        assert_eq!(byline_names(&["A", "B", "C"]), "A, B and C");
        assert_eq!(author_slug("Zoë O'Brien"), "zoe-obrien");
        assert_eq!(author_slug("王小明"), "author");
    }

    #[test]
    fn a_profile_is_checked_whole() {
        let p = Profile {
            public_name: "  Ana\n Ruiz ".into(),
            bio: "Covers\tcourts.".into(),
            slug: String::new(),
        };
        assert_eq!(
            p.check("ana"),
            Ok(Profile {
                public_name: "Ana Ruiz".into(),
                bio: "Covers courts.".into(),
                slug: "ana-ruiz".into()
            })
        );
        let bad = Profile { public_name: "x".repeat(81), bio: "y".repeat(601), slug: "Not Ok".into() };
        let fields: Vec<_> = bad.check("ana").unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["public_name", "bio", "author_slug"]);
    }

    proptest! {
        #[test]
        fn any_name_gives_an_address_the_site_can_write(name in "\\PC{0,120}") {
            let slug = author_slug(&name);
            prop_assert!(crate::text::valid_slug(&slug), "{slug:?}");
            let p = Profile { public_name: name.clone(), bio: name, slug: String::new() };
            if let Ok(p) = p.check("Staff") {
                prop_assert!(crate::text::valid_slug(&p.slug));
            }
        }
    }
}

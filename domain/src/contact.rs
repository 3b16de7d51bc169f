//! A message sent through the Contact Us form.
use super::error::{ApiError, FieldErrors};
use super::text;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactInput {
    pub name: String,
    pub email: String,
    pub subject: String,
    pub message: String,
}

impl ContactInput {
    pub fn parse(name: &str, email: &str, subject: &str, message: &str) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", text::required_line(name, "name", 80));
        let email = errors.check(
            "email",
            if email.trim().is_empty() {
                Err("Please enter your email address so we can reply.".to_string())
            } else {
                text::email(email)
            },
        );
        let subject = errors.check("subject", text::required_line(subject, "subject", 150));
        let message = errors.check("message", text::required_text(message, "message", 5_000));
        errors.into_result()?;
        match (name, email, subject, message) {
            (Some(name), Some(email), Some(subject), Some(message)) => {
                Ok(ContactInput { name, email, subject, message })
            }
            _ => Err(ApiError::Internal),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_required() {
        let err = ContactInput::parse("", "", "", "").unwrap_err();
        for f in ["name", "email", "subject", "message"] {
            assert!(err.message_for(f).is_some(), "{f}");
        }
        assert!(ContactInput::parse("Ada", "ada@example.com", "Tip", "Hello").is_ok());
        let err = ContactInput::parse("Ada", "ada@", "Tip", "Hello").unwrap_err();
        assert!(err.message_for("email").unwrap().contains("valid email"));
    }
}

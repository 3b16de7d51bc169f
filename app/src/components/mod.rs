pub mod comment_form;
pub mod field;
pub mod layout;
pub mod thread;

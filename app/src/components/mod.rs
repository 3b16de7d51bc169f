pub mod comment_form;
pub mod field;
pub mod layout;
pub mod live;
pub mod notify;
pub mod thread;

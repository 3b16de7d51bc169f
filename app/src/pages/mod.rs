mod admin;
mod article;
mod contact;
mod home;
mod not_found;
mod subscriptions;

pub use admin::AdminMessagesPage;
pub use article::ArticlePage;
pub use contact::ContactPage;
pub use home::HomePage;
pub use not_found::NotFound;
pub use subscriptions::{MailLinkPage, SubscriptionsPage};

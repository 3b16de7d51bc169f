mod article;
mod contact;
pub mod desk;
mod home;
mod not_found;
mod privacy;
mod subscriptions;

pub use article::ArticlePage;
pub use contact::ContactPage;
pub use home::{ArchivePage, AuthorPage, HomePage, MonthPage, SectionPage, TagPage};
pub use not_found::{Gone, NotFound};
pub use privacy::{DataLinkPage, PrivacyPage};
pub use subscriptions::{MailLinkPage, SubscriptionsPage};

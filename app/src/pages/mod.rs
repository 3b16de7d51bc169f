mod article;
mod contact;
pub mod desk;
mod home;
mod not_found;
mod preview;
mod privacy;
mod search;
mod subscriptions;

pub use article::ArticlePage;
pub use contact::ContactPage;
pub use home::{ArchivePage, AuthorPage, HomePage, MonthPage, SectionPage, TagPage};
pub use not_found::{Gone, NotFound};
pub use preview::StoryPreviewPage;
pub use privacy::{DataLinkPage, PrivacyPage};
pub use search::SearchPage;
pub use subscriptions::{MailLinkPage, SubscriptionsPage};

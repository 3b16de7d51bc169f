//! Content from elsewhere: WordPress (+ wpDiscuz) and Disqus exports in, WordPress exports out.
pub mod disqus;
pub mod export;
pub mod import;
pub mod text;
pub mod wxr;
mod xml;
pub use xml::XmlError;

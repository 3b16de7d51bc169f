//! The byte work of the page cache: a tidied page split into its kept prefix (compressed once,
//! gzip and brotli, each flushed to a byte boundary) and its per-answer tail, and an answer
//! made of the two in the encoding a request accepts.
use super::*;

/// Splits a tidied page into the kept prefix and the per-answer tail, and compresses the prefix.
pub fn build(
    page: &str,
    placeholder: &str,
    scripts: &crate::server::csp::Scripts,
    now: i64,
) -> Option<Entry> {
    let end = page.rfind("</body>")?;
    let (mut head, rest) = (page[..end].to_string(), &page[end..]);
    // every element that carries the placeholder is an <input> moved to the tail
    let mut moved = String::new();
    while let Some(at) = head.find(placeholder) {
        let start = head[..at].rfind('<')?;
        let stop = at + head[at..].find('>')? + 1;
        if !head[start..].starts_with("<input ") {
            return None;
        }
        moved.push_str(&head[start..stop]);
        head.replace_range(start..stop, "");
    }
    let tail = if moved.is_empty() {
        rest.to_string()
    } else {
        format!("<div id=\"reader-parts\" hidden>{moved}</div>{rest}")
    };
    let csp = scripts.policy_for(&crate::server::tidy::inline_scripts(page));
    let etag = {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(head.as_bytes());
        HeaderValue::from_str(&format!("W/\"{}\"", crate::server::tokens::hex(&digest[..12]))).ok()?
    };
    let mut crc = crc32fast::Hasher::new();
    crc.update(head.as_bytes());
    Some(Entry {
        etag,
        csp,
        gzip: gzip_prefix(head.as_bytes()).into(),
        brotli: brotli_prefix(head.as_bytes()).into(),
        identity: Bytes::from(head.into_bytes().into_boxed_slice()),
        crc,
        tail,
        rendered_at: now,
        last_used: AtomicU64::new(0),
        refreshing: AtomicBool::new(false),
    })
}

/// A gzip member's header and `data` deflated, flushed to a byte boundary, not final.
pub fn gzip_prefix(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::DeflateEncoder::new(
        vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff],
        flate2::Compression::new(6),
    );
    // writing to a Vec cannot fail; flush() ends with a sync flush (byte-aligned, not final)
    let _ = enc.write_all(data);
    let _ = enc.flush();
    let mut out = std::mem::take(enc.get_mut());
    out.shrink_to_fit();
    out
}

/// The end of a gzip member after `gzip_prefix`: `tail` as final stored blocks, then the
/// CRC-32 and length of the whole.
pub fn gzip_tail(tail: &[u8], crc: &crc32fast::Hasher, total_len: usize, out: &mut Vec<u8>) {
    let mut chunks = tail.chunks(0xffff).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        out.push(u8::from(last));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    let mut crc = crc.clone();
    crc.update(tail);
    out.extend_from_slice(&crc.finalize().to_le_bytes());
    out.extend_from_slice(&(total_len as u32).to_le_bytes());
}

/// A brotli stream of `data`, flushed to a byte boundary, not final.
pub fn brotli_prefix(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    // a window as large as the page, at most 1 MiB: the encoder's memory follows the window
    // (22 bits took ~8 MB per page being compressed)
    let lgwin = (data.len().max(1024).next_power_of_two().trailing_zeros()).clamp(16, 20);
    let mut enc = brotli::CompressorWriter::new(Vec::with_capacity(data.len() / 4), 4096, 5, lgwin);
    let _ = enc.write_all(data);
    let _ = enc.flush();
    let mut out = std::mem::take(enc.get_mut());
    out.shrink_to_fit();
    out
}

/// The end of a brotli stream after `brotli_prefix`: `tail` as uncompressed meta-blocks, then
/// an empty last meta-block.
pub fn brotli_tail(tail: &[u8], out: &mut Vec<u8>) {
    for chunk in tail.chunks(0x10000) {
        // ISLAST 0, MNIBBLES 4 (00), MLEN-1 in 16 bits, ISUNCOMPRESSED 1, padded to 3 bytes
        let header = ((chunk.len() as u32 - 1) << 3) | (1 << 19);
        out.extend_from_slice(&header.to_le_bytes()[..3]);
        out.extend_from_slice(chunk);
    }
    // ISLAST 1, ISLASTEMPTY 1
    out.push(3);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// How a request wants its answer.
pub struct Answer {
    encoding: Encoding,
    if_none_match: Option<String>,
    head: bool,
}

impl Answer {
    pub fn of(req: &Request) -> Answer {
        let accepts = |name: &str| {
            req.headers().get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
                v.split(',').any(|item| {
                    let mut it = item.split(';');
                    let coding = it.next().unwrap_or_default().trim();
                    let refused = it.any(|p| {
                        p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()) == Some(0.0)
                    });
                    coding.eq_ignore_ascii_case(name) && !refused
                })
            })
        };
        let encoding = if accepts("br") {
            Encoding::Brotli
        } else if accepts("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        };
        Answer {
            encoding,
            if_none_match: req
                .headers()
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .map(String::from),
            head: req.method() == Method::HEAD,
        }
    }

    fn matches(&self, etag: &HeaderValue) -> bool {
        let Some(inm) = &self.if_none_match else { return false };
        let ours = etag.to_str().unwrap_or_default().trim_start_matches("W/");
        inm.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == ours)
    }

    /// The answer from kept view `e`, its form keys made from `nonce`.
    pub fn from(&self, cache: &PageCache, nonce: &str, e: &Entry, how: &'static str) -> Response {
        let mut res = Response::new(Body::empty());
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        h.insert(header::ETAG, e.etag.clone());
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding, cookie"));
        h.insert(header::CACHE_CONTROL, cache_control(cache.ttl));
        if let Some(csp) = &e.csp {
            h.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
        }
        h.insert("x-byline-cache", HeaderValue::from_static(how));
        res.extensions_mut().insert(crate::server::tidy::Tidied);
        if self.matches(&e.etag) {
            *res.status_mut() = StatusCode::NOT_MODIFIED;
            return res;
        }
        let tail = e.tail.replace(&*cache.placeholder, nonce);
        let total = e.identity.len() + tail.len();
        // the kept prefix is sent as it is kept (a shared reference, no copy), then the tail
        let (prefix, end) = match self.encoding {
            Encoding::Identity => (e.identity.clone(), tail.into_bytes()),
            Encoding::Gzip => {
                let mut out = Vec::with_capacity(tail.len() + 32);
                gzip_tail(tail.as_bytes(), &e.crc, total, &mut out);
                res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                (e.gzip.clone(), out)
            }
            Encoding::Brotli => {
                let mut out = Vec::with_capacity(tail.len() + 16);
                brotli_tail(tail.as_bytes(), &mut out);
                res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
                (e.brotli.clone(), out)
            }
        };
        let body = TwoParts { first: Some(prefix), second: Some(Bytes::from(end)) };
        res.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        if !self.head {
            *res.body_mut() = Body::new(body);
        }
        res
    }
}

/// A body of two parts, its length known: the kept prefix and the answer's own tail.
struct TwoParts {
    first: Option<Bytes>,
    second: Option<Bytes>,
}

impl TwoParts {
    fn len(&self) -> usize {
        self.first.as_ref().map_or(0, Bytes::len) + self.second.as_ref().map_or(0, Bytes::len)
    }
}

impl http_body::Body for TwoParts {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        let next = self.first.take().or_else(|| self.second.take());
        std::task::Poll::Ready(next.map(|b| Ok(http_body::Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        self.first.is_none() && self.second.is_none()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.len() as u64)
    }
}

/// Shared caches (a CDN, Varnish) may keep the page as long as we do, and serve it as long
/// again while they ask for a new one; browsers ask every time (a 304 when nothing changed;
/// `enhance.js` fetches with `cache: "no-cache"`, since a browser applies
/// `stale-while-revalidate` to its own fetches too).
fn cache_control(ttl: Duration) -> HeaderValue {
    let s = ttl.as_secs().max(1);
    HeaderValue::from_str(&format!("public, max-age=0, s-maxage={s}, stale-while-revalidate={s}"))
        .unwrap_or(HeaderValue::from_static("public, max-age=0"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn whole(prefix: &str, tail: &str) -> (Vec<u8>, Vec<u8>) {
        let mut crc = crc32fast::Hasher::new();
        crc.update(prefix.as_bytes());
        let mut gz = gzip_prefix(prefix.as_bytes());
        gzip_tail(tail.as_bytes(), &crc, prefix.len() + tail.len(), &mut gz);
        let mut br = brotli_prefix(prefix.as_bytes());
        brotli_tail(tail.as_bytes(), &mut br);
        (gz, br)
    }

    fn gunzip(b: &[u8]) -> String {
        let mut s = String::new();
        flate2::read::GzDecoder::new(b).read_to_string(&mut s).expect("valid gzip");
        s
    }

    fn unbrotli(b: &[u8]) -> String {
        let mut s = String::new();
        brotli::Decompressor::new(b, 4096).read_to_string(&mut s).expect("valid brotli");
        s
    }

    #[test]
    fn a_kept_prefix_and_a_fresh_tail_make_one_valid_stream() {
        let prefix = "<!DOCTYPE html><html><body><p>R&amp;D’s “plan” 漢字 🙂</p>".repeat(500);
        for tail in ["</body></html>", "<input name=\"key\" value=\"123.abc-0\"></body></html>"] {
            let (gz, br) = whole(&prefix, tail);
            assert_eq!(gunzip(&gz), format!("{prefix}{tail}"));
            assert_eq!(unbrotli(&br), format!("{prefix}{tail}"));
        }
        // a tail longer than one stored block / meta-block
        let long = "x".repeat(70_000 * 2);
        let (gz, br) = whole("a", &long);
        assert_eq!(gunzip(&gz).len(), 1 + long.len());
        assert_eq!(unbrotli(&br).len(), 1 + long.len());
        let (gz, br) = whole("", "</body></html>");
        assert_eq!(gunzip(&gz), "</body></html>");
        assert_eq!(unbrotli(&br), "</body></html>");
    }

    proptest::proptest! {
        #[test]
        fn any_text_splits_and_joins_back(prefix in "\\PC{0,400}", tail in "\\PC{1,200}") {
            let (gz, br) = whole(&prefix, &tail);
            proptest::prop_assert_eq!(gunzip(&gz), format!("{prefix}{tail}"));
            proptest::prop_assert_eq!(unbrotli(&br), format!("{prefix}{tail}"));
        }
    }

    #[test]
    fn the_form_keys_move_to_the_tail_and_nothing_else_does() {
        let ph = "shared-form-nonce-0123";
        let page = format!(
            "<html><body><form id=\"comment-form\"><input type=\"hidden\" name=\"key\" form=\"comment-form\" \
             value=\"{ph}-0\"><textarea></textarea></form><input type=\"hidden\" id=\"form-nonce\" value=\"{ph}\">\
             <footer>x</footer><script>a()</script></body></html>"
        );
        let e = build(&page, ph, &crate::server::csp::Scripts::new(vec![]), 0).unwrap();
        let head = std::str::from_utf8(&e.identity).unwrap();
        assert!(!head.contains(ph) && head.ends_with("<script>a()</script>"), "{head}");
        assert!(head.contains("<form id=\"comment-form\"><textarea>"), "{head}");
        assert_eq!(
            e.tail,
            format!(
                "<div id=\"reader-parts\" hidden><input type=\"hidden\" name=\"key\" form=\"comment-form\" \
                 value=\"{ph}-0\"><input type=\"hidden\" id=\"form-nonce\" value=\"{ph}\"></div></body></html>"
            )
        );
        // the placeholder anywhere but in an input: not kept
        assert!(build(
            &format!("<html><body><p>{ph}</p></body></html>"),
            ph,
            &crate::server::csp::Scripts::new(vec![]),
            0
        )
        .is_none());
        assert!(build("<html><p>no body end", ph, &crate::server::csp::Scripts::new(vec![]), 0).is_none());
    }
}

//! The GraphiQL playground served to browsers at `/graphql`.
//!
//! GraphiQL and React are bundled from pinned npm packages by
//! `hasone-actix/graphiql/` into `hasone-actix/assets/graphiql/`
//! (committed; see `docs/graphiql.md`) and embedded in the binary: the page
//! loads nothing from another origin, and its Content-Security-Policy says
//! so. The application gives its title and its ready tabs ([`Graphiql`]).

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

/// Where the assets are served; the page links them with `?v=<version>`.
const ASSETS_PATH: &str = "/graphiql/assets";

/// The GraphQL endpoint the page talks to (it is served by that endpoint).
const ENDPOINT: &str = "/graphql";

/// An embedded file, with its gzip-compressed copy when there is one.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    gzip: Option<&'static [u8]>,
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "graphiql.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../assets/graphiql/graphiql.js"),
        gzip: Some(include_bytes!("../assets/graphiql/graphiql.js.gz")),
    },
    Asset {
        name: "graphiql.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../assets/graphiql/graphiql.css"),
        gzip: Some(include_bytes!("../assets/graphiql/graphiql.css.gz")),
    },
    Asset {
        name: "LICENSES.txt",
        content_type: "text/plain; charset=utf-8",
        body: include_bytes!("../assets/graphiql/LICENSES.txt"),
        gzip: None,
    },
];

/// A year: asset URLs carry the content version, so they never go stale.
const ASSET_CACHE: &str = "public, max-age=31536000, immutable";

/// Everything the page needs comes from this origin; styles are inline in
/// places (CodeMirror, animations) and fonts and icons are `data:` URIs.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
    connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// FNV-1a (64 bits) of every asset: changes whenever a rebuilt bundle does.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for asset in ASSETS {
        for &byte in asset.body {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
});

/// The page's title and the queries its tabs open with.
#[derive(Clone, Debug, Default)]
pub struct Graphiql {
    /// The page title.
    pub title: String,
    /// Query texts, one tab each.
    pub tabs: Vec<String>,
}

impl Graphiql {
    /// A page titled `title`, with no tabs.
    pub fn new(title: impl Into<String>) -> Self {
        Graphiql {
            title: title.into(),
            tabs: Vec::new(),
        }
    }

    /// A tab with this query.
    pub fn tab(mut self, query: impl Into<String>) -> Self {
        self.tabs.push(query.into());
        self
    }
}

/// `text` in an HTML attribute or text.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Registers `GET /graphiql/assets/{file}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        &format!("{ASSETS_PATH}/{{file}}"),
        web::get().to(asset_handler),
    );
}

/// The playground page.
pub fn page(config: &Graphiql) -> HttpResponse {
    let version = VERSION.as_str();
    let title = escape(&config.title);
    let tabs = escape(&serde_json::to_string(&config.tabs).unwrap_or_else(|_| "[]".into()));
    let html = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{ASSETS_PATH}/graphiql.css?v={version}">
<script src="{ASSETS_PATH}/graphiql.js?v={version}" defer></script>
</head>
<body>
<div id="graphiql" data-endpoint="{ENDPOINT}" data-tabs="{tabs}">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript. Without it, POST queries to {ENDPOINT} as
<code>application/json</code>.</noscript>
</body>
</html>
"#
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::CONTENT_SECURITY_POLICY, PAGE_CSP))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(html)
}

async fn asset_handler(file: web::Path<String>, req: HttpRequest) -> HttpResponse {
    let Some(asset) = ASSETS.iter().find(|a| a.name == file.as_str()) else {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("no such asset");
    };
    // The gzip body is another representation: another strong tag.
    let gzip = asset.gzip.filter(|_| accepts_gzip(&req));
    let etag = format!(
        "\"{}-{}{}\"",
        VERSION.as_str(),
        asset.name,
        if gzip.is_some() { "-gzip" } else { "" }
    );
    let not_modified = if_none_match(&req, &etag);
    let mut resp = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    resp.insert_header((header::CACHE_CONTROL, ASSET_CACHE))
        .insert_header((header::ETAG, etag))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::VARY, "Accept-Encoding"));
    if not_modified {
        return resp.finish();
    }
    resp.insert_header((header::CONTENT_TYPE, asset.content_type));
    match gzip {
        Some(body) => resp
            .insert_header((header::CONTENT_ENCODING, "gzip"))
            .body(body),
        None => resp.body(asset.body),
    }
}

fn if_none_match(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag
        })
}

fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .any(accept_encoding_has_gzip)
}

/// Whether an `Accept-Encoding` value allows gzip (`gzip`, `x-gzip` or `*`
/// with a non-zero quality).
fn accept_encoding_has_gzip(value: &str) -> bool {
    value.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or_default();
        let wanted = ["gzip", "x-gzip", "*"]
            .iter()
            .any(|c| coding.eq_ignore_ascii_case(c));
        let refused = parts.any(|param| {
            param
                .strip_prefix("q=")
                .or_else(|| param.strip_prefix("Q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        wanted && !refused
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_negotiation() {
        assert!(accept_encoding_has_gzip("gzip, deflate, br"));
        assert!(accept_encoding_has_gzip("br;q=1.0, GZIP;q=0.5"));
        assert!(accept_encoding_has_gzip("*"));
        assert!(!accept_encoding_has_gzip("gzip;q=0"));
        assert!(!accept_encoding_has_gzip("br, identity"));
        assert!(!accept_encoding_has_gzip(""));
    }

    #[test]
    fn assets_are_embedded() {
        for asset in ASSETS {
            assert!(asset.body.len() > 1000, "{} is empty", asset.name);
            if let Some(gzip) = asset.gzip {
                assert_eq!(&gzip[..2], &[0x1f, 0x8b], "{} is not gzip", asset.name);
            }
        }
        assert_eq!(VERSION.len(), 16);
    }
}

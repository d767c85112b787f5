//! Which requests reach the routes at all: the `Host` a request names must
//! be one the server answers to, and a request names one `Host` and at
//! most one `Origin`.
//!
//! A page on `evil.example` whose name is then pointed at this server's
//! address (DNS rebinding) sends `Host: evil.example` and `Origin:
//! http://evil.example`: same-origin checks alone let it read and change
//! everything a local server serves. The allowlist
//! (`HASONE_ALLOWED_HOSTS`) refuses such requests with `400`, over plain
//! HTTP and before a WebSocket upgrade alike. A request without `Host`
//! (HTTP/1.0, tools) passes: no browser sends one.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::middleware::Next;
use actix_web::web;

/// The host names a server answers to.
#[derive(Clone, Debug)]
pub struct AllowedHosts {
    /// `*` was configured: any host.
    any: bool,
    /// Lowercase names; one starting with `.` also matches its subdomains.
    names: Arc<[String]>,
}

impl AllowedHosts {
    /// `configured` (`HASONE_ALLOWED_HOSTS`), or when it is empty
    /// `localhost` and the address `bound` (`HASONE_ADDR`): its IP, or the
    /// loopback addresses when it is `0.0.0.0` or `::`, or its host name.
    pub fn new(configured: &[String], bound: &str) -> Self {
        let configured: Vec<&str> = configured
            .iter()
            .map(|h| h.trim())
            .filter(|h| !h.is_empty())
            .collect();
        if !configured.is_empty() {
            return AllowedHosts {
                any: configured.contains(&"*"),
                names: configured.iter().map(|h| normalise(h)).collect(),
            };
        }
        let mut names = vec!["localhost".to_owned()];
        match bound.parse::<SocketAddr>() {
            Ok(addr) if addr.ip().is_unspecified() => {
                names.extend(["127.0.0.1".to_owned(), "[::1]".to_owned()]);
            }
            Ok(addr) => names.push(ip_name(addr.ip())),
            Err(_) => names.push(normalise(host_part(bound))),
        }
        AllowedHosts {
            any: false,
            names: names.into(),
        }
    }

    /// Whether a request's `Host` header value names an allowed host.
    pub fn allows(&self, host: &str) -> bool {
        if self.any {
            return true;
        }
        let name = normalise(host_part(host));
        self.names.iter().any(|allowed| {
            name == *allowed
                || (allowed.starts_with('.')
                    && (name.ends_with(allowed.as_str()) || name == allowed[1..]))
        })
    }

    /// Why a request with `headers` is refused, if it is.
    fn refusal(&self, headers: &HeaderMap) -> Option<String> {
        if headers.get_all(header::ORIGIN).nth(1).is_some() {
            return Some("the request has more than one Origin header".into());
        }
        let mut hosts = headers.get_all(header::HOST);
        let host = hosts.next()?;
        if hosts.next().is_some() {
            return Some("the request has more than one Host header".into());
        }
        match host.to_str() {
            Ok(host) if self.allows(host) => None,
            Ok(host) => Some(format!(
                "this server does not answer to the host {host:?}; the hosts it answers to are set with HASONE_ALLOWED_HOSTS"
            )),
            Err(_) => Some("the Host header is not text".into()),
        }
    }
}

/// The middleware: refuses (`400`, code `BAD_REQUEST`) a request whose
/// `Host` is not allowed, or that has two `Host` or two `Origin` headers.
pub(crate) async fn guard(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let refusal = request
        .app_data::<web::Data<AllowedHosts>>()
        .and_then(|hosts| hosts.refusal(request.headers()));
    match refusal {
        None => Ok(next.call(request).await?.map_into_boxed_body()),
        Some(why) => {
            let (http, _) = request.into_parts();
            let id = crate::reply::request_id(&http);
            tracing::debug!(request_id = %id, "{why}");
            let response = crate::reply::refuse(&http, &id, StatusCode::BAD_REQUEST, &why);
            Ok(ServiceResponse::new(http, response))
        }
    }
}

/// The host of a `Host` value, without its port: `[::1]:8080` → `[::1]`.
fn host_part(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    host.split(':').next().unwrap_or(host)
}

/// Lowercase, without a trailing dot; an IPv6 address in brackets.
fn normalise(name: &str) -> String {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let bare = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(&name);
    match bare.parse::<IpAddr>() {
        Ok(ip @ IpAddr::V6(_)) => ip_name(ip),
        _ => name,
    }
}

/// An IP as a `Host` header names it.
fn ip_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_default_localhost_and_the_address_listened_on() {
        let local = AllowedHosts::new(&[], "127.0.0.1:8080");
        for ok in [
            "127.0.0.1:8080",
            "127.0.0.1",
            "localhost:8080",
            "LOCALHOST.",
        ] {
            assert!(local.allows(ok), "{ok}");
        }
        for refused in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.2",
            "localhost.evil",
        ] {
            assert!(!local.allows(refused), "{refused}");
        }
        let any_address = AllowedHosts::new(&[], "0.0.0.0:8080");
        for ok in ["127.0.0.1:8080", "[::1]:8080", "localhost"] {
            assert!(any_address.allows(ok), "{ok}");
        }
        assert!(!any_address.allows("0.0.0.0:8080"));
        assert!(!any_address.allows("evil.example"));
        let v6 = AllowedHosts::new(&[], "[::1]:8080");
        assert!(v6.allows("[::1]:8080"));
        assert!(v6.allows("[0:0:0:0:0:0:0:1]"));
    }

    #[test]
    fn configured_names_subdomains_and_any() {
        let hosts = AllowedHosts::new(
            &[
                "api.example.com".into(),
                ".corp.example".into(),
                "::1".into(),
            ],
            "0.0.0.0:80",
        );
        for ok in [
            "api.example.com",
            "API.example.com:443",
            "corp.example",
            "a.b.corp.example",
            "[::1]",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for refused in [
            "example.com",
            "xcorp.example",
            "localhost",
            "127.0.0.1",
            "api.example.com.evil",
        ] {
            assert!(!hosts.allows(refused), "{refused}");
        }
        let any = AllowedHosts::new(&["*".into()], "127.0.0.1:0");
        assert!(any.allows("evil.example"));
    }

    #[test]
    fn two_hosts_or_two_origins_are_refused() {
        let hosts = AllowedHosts::new(&[], "127.0.0.1:0");
        let mut headers = HeaderMap::new();
        headers.append(header::HOST, "127.0.0.1".parse().expect("value"));
        assert_eq!(hosts.refusal(&headers), None);
        headers.append(header::ORIGIN, "http://127.0.0.1".parse().expect("value"));
        assert_eq!(hosts.refusal(&headers), None);
        headers.append(
            header::ORIGIN,
            "https://evil.example".parse().expect("value"),
        );
        assert!(hosts.refusal(&headers).is_some());
        let mut headers = HeaderMap::new();
        headers.append(header::HOST, "127.0.0.1".parse().expect("value"));
        headers.append(header::HOST, "evil.example".parse().expect("value"));
        assert!(hosts.refusal(&headers).is_some());
        assert_eq!(hosts.refusal(&HeaderMap::new()), None);
    }
}

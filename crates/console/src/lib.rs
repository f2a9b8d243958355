//! Kasa's web console: the back office (`/console/`) and the player pages
//! (`/console/player/`). The HTML, CSS and ES modules under `assets/` are
//! compiled into the binary (debug builds too), and [`configure`] mounts the
//! service that serves them with a strict Content-Security-Policy and
//! revalidated caching (`ETag`, `304 Not Modified`).

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::DefaultHeaders;
use actix_web::{HttpRequest, HttpResponse, web};

/// The path the console is mounted at.
pub const MOUNT: &str = "/console";

/// The Content-Security-Policy of every console response: same origin only,
/// no inline script or style, no plugins, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The console's files (`crates/console/assets`), embedded at build time. The
/// type declarations (`*.d.ts`) are for `tsc` only and stay out.
#[derive(rust_embed::Embed)]
#[folder = "assets/"]
#[exclude = "*.d.ts"]
struct Assets;

/// Registers the console under [`MOUNT`]: `/console` and `/console/player`
/// redirect (308) to their trailing-slash form, a path ending in `/` serves
/// that folder's `index.html`, any other path its embedded file, else 404.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(MOUNT)
            .wrap(
                DefaultHeaders::new()
                    .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
                    .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                    .add((header::REFERRER_POLICY, "no-referrer"))
                    .add((header::CACHE_CONTROL, "no-cache")),
            )
            .route("", web::to(|| redirect("/console/")))
            .route("/player", web::to(|| redirect("/console/player/")))
            .default_service(web::to(asset)),
    );
}

/// A permanent redirect that keeps the method.
async fn redirect(to: &'static str) -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, to))
        .finish()
}

/// Serves the embedded file the request path names.
async fn asset(req: HttpRequest) -> HttpResponse {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "GET, HEAD"))
            .finish();
    }
    let Some(path) = asset_path(req.path()) else {
        return not_found();
    };
    let Some(file) = Assets::get(&path) else {
        return not_found();
    };
    let etag = format!("\"{}\"", hex::encode(file.metadata.sha256_hash()));
    let mut response = if if_none_match(&req, &etag) {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, content_type(&path)))
            .body(file.data.into_owned())
    };
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The asset a request path names (`/console/js/api.js` -> `js/api.js`,
/// `/console/` -> `index.html`); `None` for a path outside the console or
/// with an empty, `.` or `..` segment.
fn asset_path(request_path: &str) -> Option<String> {
    let rest = request_path.strip_prefix(MOUNT)?.strip_prefix('/')?;
    let mut path = rest.to_owned();
    if path.is_empty() || path.ends_with('/') {
        path.push_str("index.html");
    }
    let sane = path
        .split('/')
        .all(|segment| !segment.is_empty() && segment != "." && segment != "..");
    sane.then_some(path)
}

/// Whether the request's `If-None-Match` names `etag` (or is `*`).
fn if_none_match(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// The Content-Type of an asset, by its extension.
fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, ext)| ext);
    match extension {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "md" | "txt" => "text/plain; charset=utf-8",
        _ if !path.rsplit('/').next().unwrap_or_default().contains('.') => {
            "text/plain; charset=utf-8"
        }
        _ => "application/octet-stream",
    }
}

/// The console's 404.
fn not_found() -> HttpResponse {
    HttpResponse::build(StatusCode::NOT_FOUND)
        .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
        .body("Not found")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_map_to_assets() {
        assert_eq!(asset_path("/console/").as_deref(), Some("index.html"));
        assert_eq!(
            asset_path("/console/player/").as_deref(),
            Some("player/index.html")
        );
        assert_eq!(
            asset_path("/console/js/api.js").as_deref(),
            Some("js/api.js")
        );
        assert_eq!(asset_path("/console/../Cargo.toml"), None);
        assert_eq!(asset_path("/console//x.js"), None);
        assert_eq!(asset_path("/consolex/a.js"), None);
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("a/b.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("css/console.css"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("vendor/LICENSE-htm"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(content_type("x.bin"), "application/octet-stream");
    }
}

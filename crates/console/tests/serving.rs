//! The console service: pages, redirects, headers, content types, caching.
#![allow(clippy::unwrap_used)]

use actix_web::http::{StatusCode, header};
use actix_web::{App, test};

async fn get(
    path: &str,
    headers: &[(header::HeaderName, &str)],
) -> (StatusCode, header::HeaderMap, Vec<u8>) {
    let app = test::init_service(App::new().configure(console::configure)).await;
    let mut req = test::TestRequest::get().uri(path);
    for (name, value) in headers {
        req = req.insert_header((name.clone(), *value));
    }
    let res = test::call_service(&app, req.to_request()).await;
    let status = res.status();
    let headers = res.headers().clone();
    let body = test::read_body(res).await.to_vec();
    (status, headers, body)
}

fn header_of(headers: &header::HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    for path in [
        "/console/",
        "/console/js/api.js",
        "/console",
        "/console/nope.js",
    ] {
        let (_, headers, _) = get(path, &[]).await;
        assert_eq!(
            header_of(&headers, header::CONTENT_SECURITY_POLICY),
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors 'none'",
            "{path}"
        );
        assert_eq!(
            header_of(&headers, header::X_CONTENT_TYPE_OPTIONS),
            "nosniff",
            "{path}"
        );
        assert_eq!(
            header_of(&headers, header::REFERRER_POLICY),
            "no-referrer",
            "{path}"
        );
        assert_eq!(
            header_of(&headers, header::CACHE_CONTROL),
            "no-cache",
            "{path}"
        );
    }
}

#[actix_web::test]
async fn the_back_office_and_the_player_pages_are_served() {
    let (status, headers, body) = get("/console/", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header_of(&headers, header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains("js/backoffice/main.js"), "{page}");
    assert!(!page.contains("<script>"), "no inline script: {page}");

    let (status, headers, body) = get("/console/player/", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header_of(&headers, header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("js/player/main.js")
    );
}

#[actix_web::test]
async fn modules_and_styles_have_their_content_types() {
    let (status, headers, body) = get("/console/js/api.js", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header_of(&headers, header::CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(body, std::fs::read("assets/js/api.js").unwrap());
    let (status, headers, _) = get("/console/vendor/standalone.module.js", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header_of(&headers, header::CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
    let (_, headers, _) = get("/console/css/console.css", &[]).await;
    assert_eq!(
        header_of(&headers, header::CONTENT_TYPE),
        "text/css; charset=utf-8"
    );
}

#[actix_web::test]
async fn a_matching_etag_is_answered_304() {
    let (status, headers, _) = get("/console/js/api.js", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let etag = header_of(&headers, header::ETAG).to_owned();
    assert!(etag.starts_with('"') && etag.len() == 66, "{etag}");

    let (status, headers, body) =
        get("/console/js/api.js", &[(header::IF_NONE_MATCH, &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(header_of(&headers, header::ETAG), etag);
    assert_eq!(header_of(&headers, header::CACHE_CONTROL), "no-cache");

    let other = "\"0000\"";
    let (status, _, _) = get("/console/js/api.js", &[(header::IF_NONE_MATCH, other)]).await;
    assert_eq!(status, StatusCode::OK);
    // Another file has another tag.
    let (_, headers, _) = get("/console/", &[]).await;
    assert_ne!(header_of(&headers, header::ETAG), etag);
}

#[actix_web::test]
async fn unknown_paths_are_404() {
    for path in [
        "/console/nope.js",
        "/console/js/",
        "/console/../Cargo.toml",
        "/console/types/kasa-api.d.ts",
        "/console/vendor/standalone.module.d.ts",
    ] {
        let (status, _, _) = get(path, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[actix_web::test]
async fn folders_without_a_slash_redirect() {
    for (from, to) in [
        ("/console", "/console/"),
        ("/console/player", "/console/player/"),
    ] {
        let (status, headers, _) = get(from, &[]).await;
        assert_eq!(status, StatusCode::PERMANENT_REDIRECT, "{from}");
        assert_eq!(header_of(&headers, header::LOCATION), to);
    }
}

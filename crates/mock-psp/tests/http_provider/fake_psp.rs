//! `HttpProvider` against a misbehaving fake PSP.

use super::*;

/// A PSP that answers every call with the same canned response.
async fn fake_psp(status: u16, body: &'static str) -> (String, actix_web::dev::ServerHandle) {
    let server = HttpServer::new(move || {
        App::new().default_service(web::to(move || async move {
            let status = actix_web::http::StatusCode::from_u16(status).expect("valid status");
            HttpResponse::build(status)
                // Only read on a 3xx, where following it would re-send the request.
                .insert_header(("location", "/elsewhere"))
                .content_type("application/json")
                .body(body)
        }))
    })
    .workers(1)
    .disable_signals()
    .bind("127.0.0.1:0")
    .expect("binds");
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    (format!("http://{addr}"), handle)
}

#[tokio::test]
async fn status_codes_map_to_the_documented_errors() {
    type Expectation = fn(&Result<PspTransaction, PspError>) -> bool;
    let cases: [(u16, &str, Expectation); 7] = [
        (503, "", |r| matches!(r, Err(PspError::Unavailable(_)))),
        (500, r#"{"error":{"code":"boom"}}"#, |r| {
            matches!(r, Err(PspError::Unavailable(_)))
        }),
        (201, "not json", |r| matches!(r, Err(PspError::Protocol(_)))),
        (201, r#"{"id":"x","reference":"r","status":"weird"}"#, |r| {
            matches!(r, Err(PspError::Protocol(_)))
        }),
        // 409: the same key may still be in progress at the PSP; not a refusal.
        (409, r#"{"error":{"code":"conflict"}}"#, |r| {
            matches!(r, Err(PspError::Unavailable(_)))
        }),
        (422, r#"{"error":{"code":"invalid_account"}}"#, |r| {
            r == &Err(PspError::Declined {
                status: 422,
                code: "invalid_account".into(),
            })
        }),
        (403, "<html>forbidden</html>", |r| {
            r == &Err(PspError::Declined {
                status: 403,
                code: "http_403".into(),
            })
        }),
    ];
    for (status, body, expected) in cases {
        let (base, handle) = fake_psp(status, body).await;
        let provider = HttpProvider::new("mock", &base, TIMEOUT).expect("valid base URL");
        let result = provider.create_payout("att", &payout("att")).await;
        assert!(expected(&result), "{status} {body}: {result:?}");
        handle.stop(false).await;
    }
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let (base, handle) = fake_psp(307, "").await;
    let provider = HttpProvider::new("mock", &base, TIMEOUT).expect("valid base URL");
    let result = provider.create_deposit(&deposit("dep")).await;
    assert!(matches!(result, Err(PspError::Protocol(_))), "{result:?}");
    handle.stop(false).await;
}

#[tokio::test]
async fn get_404_is_none_but_get_5xx_is_unavailable() {
    let (base, handle) = fake_psp(404, "").await;
    let provider = HttpProvider::new("mock", &base, TIMEOUT).expect("valid base URL");
    assert_eq!(provider.get_deposit("x").await, Ok(None));
    handle.stop(false).await;

    let (base, handle) = fake_psp(502, "").await;
    let provider = HttpProvider::new("mock", &base, TIMEOUT).expect("valid base URL");
    assert!(matches!(
        provider.get_payout("x").await,
        Err(PspError::Unavailable(_))
    ));
    handle.stop(false).await;
}

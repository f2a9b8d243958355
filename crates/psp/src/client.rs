//! [`HttpProvider`]: a [`PaymentProvider`] speaking the PSP protocol over HTTP.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::{Client, Response, StatusCode, Url, redirect};
use serde::de::DeserializeOwned;

use crate::error::PspError;
use crate::event::{DepositRequest, ErrorBody, PayoutRequest, PspTransaction};
use crate::provider::PaymentProvider;
use crate::report::{RawReport, Report};

/// How long an idle connection to the PSP is kept for reuse.
const IDLE_CONNECTION_TTL: Duration = Duration::from_secs(4);

/// Header carrying the payout attempt id on `POST /v1/payouts`.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// A PSP reached over HTTP.
///
/// It never retries: a POST that timed out may have been carried out, so the decision
/// to call again (with the same idempotency key) belongs to the caller.
#[derive(Debug, Clone)]
pub struct HttpProvider {
    name: String,
    base_url: Url,
    http: Client,
}

impl HttpProvider {
    /// A provider called `name` (the webhook path segment) at `base_url`; `timeout`
    /// bounds connecting and, separately, each whole request.
    ///
    /// Fails with [`PspError::Protocol`] when `base_url` is not an http(s) URL or the
    /// HTTP client cannot be built.
    pub fn new(
        name: impl Into<String>,
        base_url: &str,
        timeout: Duration,
    ) -> Result<Self, PspError> {
        let base_url = Url::parse(base_url)
            .map_err(|e| PspError::Protocol(format!("invalid PSP base URL: {e}")))?;
        if !matches!(base_url.scheme(), "http" | "https") || base_url.cannot_be_a_base() {
            return Err(PspError::Protocol(format!(
                "PSP base URL must be http(s): {base_url}"
            )));
        }
        let http = Client::builder()
            .connect_timeout(timeout)
            .timeout(timeout)
            // Drop idle connections before common server keep-alive limits
            // (5 s and up): a request written to a connection the PSP is
            // closing fails with an unknown outcome, which must not happen
            // for lack of a fresh connection.
            .pool_idle_timeout(IDLE_CONNECTION_TTL)
            // A redirected POST would be sent a second time, somewhere else.
            .redirect(redirect::Policy::none())
            .build()
            .map_err(|e| PspError::Protocol(format!("cannot build HTTP client: {e}")))?;
        Ok(Self {
            name: name.into(),
            base_url,
            http,
        })
    }

    /// The base URL requests are sent to.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base_url.clone();
        // `new` rejected cannot-be-a-base URLs, so the Err arm is unreachable.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    async fn get_transaction(
        &self,
        kind: &str,
        reference: &str,
    ) -> Result<Option<PspTransaction>, PspError> {
        let url = self.url(&["v1", kind, reference]);
        let response = send(self.http.get(url)).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        read(response).await.map(Some)
    }
}

#[async_trait]
impl PaymentProvider for HttpProvider {
    fn name(&self) -> &str {
        &self.name
    }

    async fn create_deposit(&self, req: &DepositRequest) -> Result<PspTransaction, PspError> {
        let url = self.url(&["v1", "deposits"]);
        let response = send(self.http.post(url).json(req)).await?;
        read(response).await
    }

    async fn create_payout(
        &self,
        idempotency_key: &str,
        req: &PayoutRequest,
    ) -> Result<PspTransaction, PspError> {
        let url = self.url(&["v1", "payouts"]);
        let request = self
            .http
            .post(url)
            .header(IDEMPOTENCY_KEY_HEADER, idempotency_key)
            .json(req);
        let response = send(request).await?;
        read(response).await
    }

    async fn get_deposit(&self, reference: &str) -> Result<Option<PspTransaction>, PspError> {
        self.get_transaction("deposits", reference).await
    }

    async fn get_payout(&self, reference: &str) -> Result<Option<PspTransaction>, PspError> {
        self.get_transaction("payouts", reference).await
    }

    async fn report(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Report, PspError> {
        let mut url = self.url(&["v1", "reports", "transactions"]);
        url.query_pairs_mut()
            .append_pair("from", &from.to_rfc3339_opts(SecondsFormat::AutoSi, true))
            .append_pair("to", &to.to_rfc3339_opts(SecondsFormat::AutoSi, true));
        let response = send(self.http.get(url)).await?;
        // Lines are read one by one: one malformed line must not hide the others.
        let report: RawReport = read(response).await?;
        Ok(Report::from_lines(report.items))
    }
}

async fn send(request: reqwest::RequestBuilder) -> Result<Response, PspError> {
    request.send().await.map_err(|e| {
        tracing::warn!(error = %e, "PSP request failed");
        PspError::Unavailable(describe(&e))
    })
}

/// Turns an answer into `T`, mapping its status to the [`PspError`] semantics.
async fn read<T: DeserializeOwned>(response: Response) -> Result<T, PspError> {
    let status = response.status();
    // A body cut off mid-way leaves the outcome as unknown as no answer at all.
    let body = response
        .bytes()
        .await
        .map_err(|e| PspError::Unavailable(describe(&e)))?;
    if status.is_success() {
        return serde_json::from_slice(&body)
            .map_err(|e| PspError::Protocol(format!("unreadable {status} answer: {e}")));
    }
    if outcome_unknown_status(status.as_u16()) {
        return Err(PspError::Unavailable(format!("PSP answered {status}")));
    }
    if status.is_client_error() {
        let code = serde_json::from_slice::<ErrorBody>(&body)
            .map(|b| b.error.code)
            .unwrap_or_else(|_| format!("http_{}", status.as_u16()));
        return Err(PspError::declined(status.as_u16(), code));
    }
    if status.is_server_error() {
        return Err(PspError::Unavailable(format!("PSP answered {status}")));
    }
    Err(PspError::Protocol(format!("unexpected status {status}")))
}

/// 4xx answers that do not prove the PSP refused the request: a timeout on its
/// side (408), the same idempotency key still being processed (409), too early
/// (425) or throttled (429). Treating them as declined could lead to a retry
/// under a new attempt while the first one still goes through.
fn outcome_unknown_status(status: u16) -> bool {
    matches!(status, 408 | 409 | 425 | 429)
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timeout".to_owned()
    } else if error.is_connect() {
        format!("connection failed: {error}")
    } else {
        error.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ambiguous_client_errors_are_unknown_outcomes() {
        for status in [408, 409, 425, 429] {
            assert!(super::outcome_unknown_status(status), "{status}");
        }
        for status in [400, 401, 403, 404, 422] {
            assert!(!super::outcome_unknown_status(status), "{status}");
        }
    }

    use super::*;

    fn provider(base: &str) -> HttpProvider {
        match HttpProvider::new("mock", base, Duration::from_secs(1)) {
            Ok(p) => p,
            Err(e) => panic!("new: {e}"),
        }
    }

    #[test]
    fn urls_are_joined_under_the_base_path() {
        assert_eq!(
            provider("http://psp.test")
                .url(&["v1", "deposits"])
                .as_str(),
            "http://psp.test/v1/deposits"
        );
        assert_eq!(
            provider("http://psp.test/prefix/")
                .url(&["v1", "payouts"])
                .as_str(),
            "http://psp.test/prefix/v1/payouts"
        );
    }

    #[test]
    fn references_are_escaped_as_one_path_segment() {
        assert_eq!(
            provider("http://psp.test")
                .url(&["v1", "deposits", "a/b?c"])
                .as_str(),
            "http://psp.test/v1/deposits/a%2Fb%3Fc"
        );
    }

    #[test]
    fn unusable_base_urls_are_rejected() {
        for base in ["not a url", "mailto:psp@example.com", "ftp://psp.test"] {
            assert!(
                matches!(
                    HttpProvider::new("mock", base, Duration::from_secs(1)),
                    Err(PspError::Protocol(_))
                ),
                "{base}"
            );
        }
    }

    #[tokio::test]
    async fn unreachable_psp_is_unavailable_not_declined() {
        // Bind then drop a listener so the port is very likely closed.
        let addr = match std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) {
            Ok(addr) => addr,
            Err(e) => panic!("bind: {e}"),
        };
        let p = provider(&format!("http://{addr}"));
        let result = p
            .create_deposit(&DepositRequest {
                reference: "dep_1".into(),
                amount: "1.00".into(),
                currency: "EUR".into(),
            })
            .await;
        assert!(
            matches!(result, Err(PspError::Unavailable(_))),
            "{result:?}"
        );
    }
}

//! A thin HTTP client for Kasa's API that keeps every response's raw bytes, so steps
//! can compare bodies byte for byte and print exactly what the server said.

use std::time::Duration;

use anyhow::{Context, Result};
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;

/// How long a single request may take before the step fails.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// A response with its body read into memory.
#[derive(Debug, Clone)]
pub struct Response {
    /// The request line, e.g. `POST /me/deposits`, for messages.
    pub request: String,
    /// The HTTP status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Vec<u8>,
}

impl Response {
    /// The body parsed as JSON.
    pub fn json(&self) -> Result<Value> {
        serde_json::from_slice(&self.body)
            .with_context(|| format!("{} returned a body that is not JSON", self.summary()))
    }

    /// A header's value, if present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `POST /me/deposits -> 422: <start of body>` for error messages.
    pub fn summary(&self) -> String {
        const MAX: usize = 800;
        let text = String::from_utf8_lossy(&self.body);
        let excerpt: String = text.chars().take(MAX).collect();
        let more = if text.chars().count() > MAX {
            "…"
        } else {
            ""
        };
        format!("{} -> {}: {excerpt}{more}", self.request, self.status)
    }
}

/// A client for Kasa's API under one base URL (`http://host:port/api/v1`).
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    /// A client for the API under `base` (no trailing slash).
    pub fn new(base: impl Into<String>) -> Result<Self> {
        Ok(Self {
            http: http_client()?,
            base: base.into(),
        })
    }

    /// The API base this client calls (`http://host:port/api/v1`).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `GET path` with an optional bearer token.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Result<Response> {
        self.send(Method::GET, path, token, None, None, &[]).await
    }

    /// `POST path` with a JSON body, an optional bearer token and an optional `Idempotency-Key`.
    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: &Value,
    ) -> Result<Response> {
        let bytes = serde_json::to_vec(body).context("serializing a request body")?;
        self.post_bytes(path, token, key, bytes, &[]).await
    }

    /// `POST path` with these exact body bytes (sent as `application/json`) and extra headers.
    pub async fn post_bytes(
        &self,
        path: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Result<Response> {
        self.send(Method::POST, path, token, key, Some(body), headers)
            .await
    }

    /// Sends one request and reads the whole response.
    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: Option<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> Result<Response> {
        let request_line = format!("{method} {path}");
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            request = request
                .header(
                    reqwest::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )
                .body(body);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("{request_line}: request failed"))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .with_context(|| format!("{request_line}: reading the response body"))?
            .to_vec();
        Ok(Response {
            request: request_line,
            status,
            headers,
            body,
        })
    }
}

/// The reqwest client every smoke request goes through.
pub fn http_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .context("building the HTTP client")
}

/// A fresh `Idempotency-Key`.
pub fn new_key() -> String {
    format!("smoke-{}", uuid::Uuid::new_v4())
}

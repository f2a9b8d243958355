//! Lints the generated OpenAPI document for what client generators
//! (`openapi-python-client`, `openapi-typescript`, `orval`) need: every
//! response described, unique operation ids, typed bodies, enums for the closed
//! sets, bounded and patterned request strings, date-time timestamps,
//! required-but-nullable fields, the right security per route and the
//! documented response headers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod constraints;
mod contract;
mod shape;
mod support;

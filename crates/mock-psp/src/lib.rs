//! The mock PSP over HTTP: the protocol endpoints backed by [`psp::mock::MockPsp`],
//! plus a `/control` API that lets tests script outcomes and inspect what happened.
//!
//! Start it in-process with [`start`], or mount it in an existing actix app with
//! [`configure`].

mod control;
mod protocol;
mod reply;
mod server;

pub use control::{ScriptCommand, WebhookUrlCommand};
pub use server::{DEFAULT_HANG, configure, start};

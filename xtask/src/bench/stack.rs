//! The processes under load: `mock-psp` with no webhook URL (so deposits stay
//! pending until the bench itself plays the PSP's webhooks) and a release `kasa serve`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::Result;

use crate::process::{self, ChildGuard};
use crate::smoke::stack::Launcher;
use crate::smoke::{random_hex, random_password};

/// How long `mock-psp` may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// What the load generator needs to know about the running stack.
#[derive(Debug, Clone)]
pub struct Stack {
    /// `http://127.0.0.1:<port>/api/v1`.
    pub api_base: String,
    /// The webhook secret `kasa` accepts.
    pub webhook_secret: String,
    /// The bootstrap admin's email.
    pub admin_email: String,
    /// Its password.
    pub admin_password: String,
    /// The server's process id (for its memory).
    pub kasa_pid: u32,
    /// Starts `kasa serve` again on the same database, port and environment.
    pub launcher: Launcher,
}

/// How the server under load is configured.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Its log level (`RUST_LOG`).
    pub log: String,
    /// Its database pool size (`KASA__DATABASE__MAX_CONNECTIONS`; `None`: Kasa's own).
    pub db_pool: Option<u32>,
}

/// Starts `mock-psp` and `kasa serve` on `database_url` (pushed onto `children`, which
/// kill them when dropped) and waits until `kasa` is ready.
pub async fn start(
    bin_dir: &Path,
    work: &Path,
    database_url: &str,
    server: &ServerOptions,
    children: &mut Vec<ChildGuard>,
) -> Result<Stack> {
    let ports = process::free_ports(2)?;
    let (psp_port, api_port) = (ports[0], ports[1]);
    let webhook_secret = format!("whsec_{}", random_hex(32));
    let admin_email = "bench-admin@kasa.test".to_owned();
    let admin_password = random_password();

    let mut psp = Command::new(process::binary(bin_dir, "mock-psp")?);
    psp.arg("--bind")
        .arg(format!("127.0.0.1:{psp_port}"))
        .arg("--webhook-secret")
        .arg(&webhook_secret)
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .current_dir(work);
    let mut psp = ChildGuard::spawn("mock-psp", psp, &work.join("mock-psp.log"))?;
    psp.wait_listening("mock-psp listening on", psp_port, START_TIMEOUT)
        .await?;
    children.push(psp);

    let mut env = vec![
        ("KASA__SERVER__BIND", format!("127.0.0.1:{api_port}")),
        ("KASA__DATABASE__URL", database_url.to_owned()),
        ("KASA__AUTH__JWT_SECRET", random_hex(48)),
        ("KASA__BOOTSTRAP__ADMIN_EMAIL", admin_email.clone()),
        ("KASA__BOOTSTRAP__ADMIN_PASSWORD", admin_password.clone()),
        (
            "KASA__PSP__MOCK__BASE_URL",
            format!("http://127.0.0.1:{psp_port}"),
        ),
        ("KASA__PSP__MOCK__WEBHOOK_SECRET", webhook_secret.clone()),
        // The bench registers its players from one address.
        (
            "KASA__LIMITS__REGISTRATIONS_PER_MINUTE",
            "1000000".to_owned(),
        ),
        ("RUST_LOG", server.log.clone()),
        ("NO_COLOR", "1".to_owned()),
    ];
    if let Some(pool) = server.db_pool {
        env.push(("KASA__DATABASE__MAX_CONNECTIONS", pool.to_string()));
    }
    let launcher = Launcher::new(
        process::binary(bin_dir, "kasa")?,
        work.to_path_buf(),
        env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        api_port,
    );
    let kasa = launcher.serve("kasa", &[]).await?;
    let kasa_pid = kasa.id();
    children.push(kasa);

    Ok(Stack {
        api_base: format!("http://127.0.0.1:{api_port}/api/v1"),
        webhook_secret,
        admin_email,
        admin_password,
        kasa_pid,
        launcher,
    })
}

//! The processes under load: `mock-psp` with no webhook URL (so deposits stay
//! pending until the bench itself plays the PSP's webhooks) and a release `kasa serve`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::Result;

use super::LoadArgs;
use crate::process::{self, ChildGuard};
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
}

/// Starts `mock-psp` and `kasa serve` on `database_url` (pushed onto `children`, which
/// kill them when dropped) and waits until `kasa` is ready.
pub async fn start(
    bin_dir: &Path,
    work: &Path,
    database_url: &str,
    args: &LoadArgs,
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

    let mut kasa = Command::new(process::binary(bin_dir, "kasa")?);
    kasa.arg("serve").current_dir(work);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("KASA__") {
            kasa.env_remove(&name);
        }
    }
    kasa.env_remove("DATABASE_URL")
        .env("KASA__SERVER__BIND", format!("127.0.0.1:{api_port}"))
        .env("KASA__DATABASE__URL", database_url)
        .env("KASA__AUTH__JWT_SECRET", random_hex(48))
        .env("KASA__BOOTSTRAP__ADMIN_EMAIL", &admin_email)
        .env("KASA__BOOTSTRAP__ADMIN_PASSWORD", &admin_password)
        .env(
            "KASA__PSP__MOCK__BASE_URL",
            format!("http://127.0.0.1:{psp_port}"),
        )
        .env("KASA__PSP__MOCK__WEBHOOK_SECRET", &webhook_secret)
        // The bench registers its players from one address.
        .env("KASA__LIMITS__REGISTRATIONS_PER_MINUTE", "1000000")
        .env("RUST_LOG", &args.server_log)
        .env("NO_COLOR", "1");
    if let Some(pool) = args.db_pool {
        kasa.env("KASA__DATABASE__MAX_CONNECTIONS", pool.to_string());
    }
    let mut kasa = ChildGuard::spawn("kasa", kasa, &work.join("kasa.log"))?;
    let kasa_pid = kasa.id();
    crate::smoke::stack::wait_ready(&mut kasa, api_port).await?;
    children.push(kasa);

    Ok(Stack {
        api_base: format!("http://127.0.0.1:{api_port}/api/v1"),
        webhook_secret,
        admin_email,
        admin_password,
        kasa_pid,
    })
}

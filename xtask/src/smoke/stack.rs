//! Starting the processes under test: `mock-psp`, then `kasa serve` pointed at it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use super::client::http_client;
use super::{random_hex, random_password};
use crate::migrate::redact;
use crate::process::{self, ChildGuard};

/// How long `mock-psp` may take to listen.
const PSP_START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long `kasa serve` may take to answer `GET /readyz` with 200.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// How to start (and restart) `kasa` processes of this stack.
#[derive(Debug, Clone)]
pub struct Launcher {
    kasa: PathBuf,
    work: PathBuf,
    env: Vec<(String, String)>,
    api_port: u16,
}

impl Launcher {
    /// Starts `kasa` (the binary at `kasa`) in `work` with exactly `env`, serving on
    /// 127.0.0.1:`api_port` (which `env` must bind).
    pub fn new(kasa: PathBuf, work: PathBuf, env: Vec<(String, String)>, api_port: u16) -> Self {
        Self {
            kasa,
            work,
            env,
            api_port,
        }
    }

    /// The smoke's temporary directory (logs, SQLite file).
    pub fn work(&self) -> &Path {
        &self.work
    }

    /// `kasa <subcommand>` with exactly the stack's environment plus `extra`.
    fn command(&self, subcommand: &str, extra: &[(&str, &str)]) -> Command {
        let mut command = Command::new(&self.kasa);
        command.arg(subcommand).current_dir(&self.work);
        // Only what the smoke sets: nothing inherited from the developer's shell.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("KASA__") {
                command.env_remove(&name);
            }
        }
        command.env_remove("DATABASE_URL");
        for (name, value) in &self.env {
            command.env(name, value);
        }
        for (name, value) in extra {
            command.env(name, value);
        }
        command
    }

    /// Starts `kasa serve` (log `<log_name>.log`) and waits until it is ready.
    pub async fn serve(&self, log_name: &str, extra: &[(&str, &str)]) -> Result<ChildGuard> {
        let command = self.command("serve", extra);
        let mut child =
            ChildGuard::spawn("kasa", command, &self.work.join(format!("{log_name}.log")))?;
        wait_ready(&mut child, self.api_port).await?;
        Ok(child)
    }

    /// Runs `kasa serve` with `extra`, expecting it to refuse to start;
    /// returns its exit status and what it printed.
    pub async fn refused_serve(&self, extra: &[(&str, &str)]) -> Result<(bool, String)> {
        let mut command = tokio::process::Command::from(self.command("serve", extra));
        command.kill_on_drop(true);
        let run = tokio::time::timeout(READY_TIMEOUT, command.output());
        let output = match run.await {
            Ok(output) => output?,
            Err(_) => bail!("kasa serve did not exit within {READY_TIMEOUT:?}"),
        };
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        Ok((output.status.success(), printed))
    }

    /// Starts a `kasa worker` process.
    pub async fn worker(&self, log_name: &str) -> Result<ChildGuard> {
        let command = self.command("worker", &[("KASA__JOBS__RUNNER", "worker")]);
        let mut child = ChildGuard::spawn(
            "kasa worker",
            command,
            &self.work.join(format!("{log_name}.log")),
        )?;
        child
            .wait_for_log("kasa worker running", READY_TIMEOUT)
            .await?;
        Ok(child)
    }
}

/// The running processes' addresses and the secrets they were started with.
#[derive(Debug)]
pub struct Stack {
    /// Starts more `kasa` processes on the same database and port.
    pub launcher: Launcher,
    /// `http://127.0.0.1:<port>/api/v1`.
    pub api_base: String,
    /// `http://127.0.0.1:<port>` of the mock PSP.
    pub psp_base: String,
    /// The webhook secret both processes share.
    pub webhook_secret: String,
    /// The bootstrap admin's email.
    pub admin_email: String,
    /// The bootstrap admin's password.
    pub admin_password: String,
}

/// Starts `mock-psp` and `kasa serve` (pushed onto `children`, so the caller kills them)
/// and waits until both are ready. `database_url` of `None` means a fresh SQLite file in `work`.
pub async fn start(
    bin_dir: &Path,
    work: &Path,
    database_url: Option<String>,
    kasa_env: &[(String, String)],
    children: &mut Vec<ChildGuard>,
) -> Result<Stack> {
    let kasa = process::binary(bin_dir, "kasa")?;
    let mock_psp = process::binary(bin_dir, "mock-psp")?;
    let ports = process::free_ports(2)?;
    let (psp_port, api_port) = (ports[0], ports[1]);
    let webhook_secret = format!("whsec_{}", random_hex(32));
    let admin_password = random_password();
    // A database that outlives the run may already hold `smoke-admin@kasa.test` with an
    // older password (bootstrap never overwrites), so a shared database gets a fresh admin.
    let (database_url, admin_email) = match database_url {
        Some(url) => (url, format!("smoke-admin-{}@kasa.test", random_hex(8))),
        None => (
            format!("sqlite://{}/smoke.sqlite?mode=rwc", work.display()),
            "smoke-admin@kasa.test".to_owned(),
        ),
    };
    println!("xtask: database {}", redact(&database_url));

    let mut command = Command::new(mock_psp);
    command
        .arg("--bind")
        .arg(format!("127.0.0.1:{psp_port}"))
        .arg("--webhook-url")
        .arg(format!("http://127.0.0.1:{api_port}/api/v1/webhooks/mock"))
        .arg("--webhook-secret")
        .arg(&webhook_secret)
        // Longer than Kasa's PSP timeout below, so a scripted timeout is one.
        .arg("--hang-ms")
        .arg("3000")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .current_dir(work);
    children.push(ChildGuard::spawn(
        "mock-psp",
        command,
        &work.join("mock-psp.log"),
    )?);
    if let Some(child) = children.last_mut() {
        child
            .wait_listening("mock-psp listening on", psp_port, PSP_START_TIMEOUT)
            .await?;
    }

    let env = [
        ("KASA__SERVER__BIND", format!("127.0.0.1:{api_port}")),
        ("KASA__DATABASE__URL", database_url.clone()),
        ("KASA__AUTH__JWT_SECRET", random_hex(48)),
        ("KASA__BOOTSTRAP__ADMIN_EMAIL", admin_email.clone()),
        ("KASA__BOOTSTRAP__ADMIN_PASSWORD", admin_password.clone()),
        (
            "KASA__PSP__MOCK__BASE_URL",
            format!("http://127.0.0.1:{psp_port}"),
        ),
        ("KASA__PSP__MOCK__WEBHOOK_SECRET", webhook_secret.clone()),
        ("KASA__PSP__MOCK__TIMEOUT_MS", "1000".to_owned()),
        ("KASA__SECRETS__KEY", super::random_secrets_key()),
        ("RUST_LOG", "info".to_owned()),
        ("NO_COLOR", "1".to_owned()),
    ];
    let launcher = Launcher::new(
        kasa,
        work.to_path_buf(),
        env.into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .chain(kasa_env.iter().cloned())
            .collect(),
        api_port,
    );
    children.push(launcher.serve("kasa", &[]).await?);

    Ok(Stack {
        launcher,
        api_base: format!("http://127.0.0.1:{api_port}/api/v1"),
        psp_base: format!("http://127.0.0.1:{psp_port}"),
        webhook_secret,
        admin_email,
        admin_password,
    })
}

/// Polls `GET /readyz` until it answers 200, failing if `kasa` exits or time runs out.
pub(crate) async fn wait_ready(kasa: &mut ChildGuard, port: u16) -> Result<()> {
    let http = http_client()?;
    let url = format!("http://127.0.0.1:{port}/readyz");
    let started = Instant::now();
    loop {
        kasa.ensure_running()?;
        let last = match http.get(&url).send().await {
            Ok(response) if response.status().as_u16() == 200 => {
                println!(
                    "xtask: kasa ready on 127.0.0.1:{port} after {:.1}s",
                    started.elapsed().as_secs_f64()
                );
                return Ok(());
            }
            Ok(response) => format!("HTTP {}", response.status()),
            Err(error) => error.to_string(),
        };
        if started.elapsed() >= READY_TIMEOUT {
            bail!("kasa did not become ready within {READY_TIMEOUT:?} (last: {last})");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

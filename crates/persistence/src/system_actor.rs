//! The audit identity of Kasa's own actions (bootstrap, `--dev` seeding,
//! scheduled jobs), shared by the API and the job worker.

use crate::audit::AuditContext;

impl AuditContext {
    /// Audit context of Kasa itself doing `what` (no request, no person).
    pub fn system(what: &str) -> Self {
        AuditContext {
            actor: format!("system:{what}"),
            role: "system".to_owned(),
            request_id: what.to_owned(),
        }
    }
}

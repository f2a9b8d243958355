//! The contract's JSON form of a tenant policy, read before it is checked.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{GatedAction, PolicyError, PolicyField, TenantPolicy, Thresholds};

/// The `PUT /admin/tenants/{slug}/policy` body (and the `GET` answer), as
/// sent: every field required (a `PUT` replaces the whole policy), unknown
/// fields refused. Its shape is all serde checks; [`TenantPolicy::try_from`]
/// checks its values, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    /// Hours, `0..=720`.
    pub cooling_off_hours: i64,
    /// Any of `deposit`, `withdrawal`, `game`, each at most once.
    pub kyc_required_for: Vec<String>,
    /// Currency code → decimal amount string.
    pub kyc_deposit_threshold: ThresholdEntries,
    /// Currency code → decimal amount string.
    pub dual_approval_threshold: ThresholdEntries,
    /// Whether players may cancel their own withdrawals.
    pub player_cancel_allowed: bool,
}

/// A JSON object of currency code → amount string, kept as sent: in order
/// and with repeated keys (which a map type would silently merge), so that
/// a repeated currency can be refused.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ThresholdEntries(pub Vec<(String, String)>);

impl Serialize for ThresholdEntries {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (code, amount) in &self.0 {
            map.serialize_entry(code, amount)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for ThresholdEntries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EntriesVisitor)
    }
}

struct EntriesVisitor;

impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = ThresholdEntries;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of currency code to amount string, such as {\"EUR\": \"2000.00\"}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = access.next_entry::<String, String>()? {
            entries.push(entry);
        }
        Ok(ThresholdEntries(entries))
    }
}

impl ThresholdEntries {
    fn parse(&self, field: PolicyField) -> Result<Thresholds, PolicyError> {
        Thresholds::parse(self.0.iter().map(|(c, a)| (c.as_str(), a.as_str())))
            .map_err(|error| PolicyError::Threshold { field, error })
    }

    fn of(thresholds: &Thresholds) -> ThresholdEntries {
        ThresholdEntries(
            thresholds
                .iter()
                .map(|money| (money.currency().code().to_owned(), money.to_string()))
                .collect(),
        )
    }
}

impl TryFrom<PolicyBody> for TenantPolicy {
    type Error = PolicyError;

    /// Checks every field, in the body's order; the first wrong one is the
    /// error.
    fn try_from(body: PolicyBody) -> Result<TenantPolicy, PolicyError> {
        let hours =
            u32::try_from(body.cooling_off_hours).map_err(|_| PolicyError::CoolingOffHours {
                hours: body.cooling_off_hours,
            })?;
        let mut actions = Vec::new();
        for raw in &body.kyc_required_for {
            let action = GatedAction::parse(raw).map_err(PolicyError::UnknownAction)?;
            if actions.contains(&action) {
                return Err(PolicyError::DuplicateAction(action));
            }
            actions.push(action);
        }
        let kyc_deposit_threshold = body
            .kyc_deposit_threshold
            .parse(PolicyField::KycDepositThreshold)?;
        let dual_approval_threshold = body
            .dual_approval_threshold
            .parse(PolicyField::DualApprovalThreshold)?;
        TenantPolicy::new(
            hours,
            actions,
            kyc_deposit_threshold,
            dual_approval_threshold,
            body.player_cancel_allowed,
        )
    }
}

impl From<&TenantPolicy> for PolicyBody {
    /// The contract form: actions in the order deposit, withdrawal, game;
    /// thresholds in the ledger's currency order ([`ledger::Currency::ALL`]), amounts with the currency's digits.
    fn from(policy: &TenantPolicy) -> PolicyBody {
        PolicyBody {
            cooling_off_hours: i64::from(policy.cooling_off_hours()),
            kyc_required_for: policy
                .kyc_required_for()
                .iter()
                .map(|action| action.as_str().to_owned())
                .collect(),
            kyc_deposit_threshold: ThresholdEntries::of(policy.kyc_deposit_threshold()),
            dual_approval_threshold: ThresholdEntries::of(policy.dual_approval_threshold()),
            player_cancel_allowed: policy.player_cancel_allowed(),
        }
    }
}

impl From<TenantPolicy> for PolicyBody {
    fn from(policy: TenantPolicy) -> PolicyBody {
        PolicyBody::from(&policy)
    }
}

//! Schemas of the player-protection bodies: the tenant policy
//! (`GET`/`PUT /admin/tenants/{slug}/policy`), whose wire form is the
//! `protection` crate's `PolicyBody` (which checks it), and an exclusion
//! request. Tests keep the documented bounds equal to the crate's.

use std::collections::BTreeMap;

use ledger::Currency;
use serde::Serialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::AdditionalProperties;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

/// Most integer digits of a documented threshold: every such amount is
/// below the crate's `THRESHOLD_AMOUNT_MAX` (10¹²).
const THRESHOLD_DIGITS_MAX: usize = 12;

/// A tenant's player-protection policy. A `PUT` replaces it whole (every
/// field required, unknown fields refused); an empty list or map switches
/// its rule off.
#[derive(Serialize, ToSchema)]
pub struct TenantPolicyBody {
    /// Hours a raised or removed player limit waits before it applies.
    #[schema(minimum = 0, maximum = 720, example = 24)]
    pub cooling_off_hours: u32,
    /// Actions only KYC-verified players may take.
    #[schema(value_type = GatedActions)]
    pub kyc_required_for: Vec<String>,
    /// Per currency: a deposit that takes the player's deposits of the last
    /// 30 days above this amount needs a verified player.
    #[schema(value_type = ThresholdMap)]
    pub kyc_deposit_threshold: BTreeMap<String, String>,
    /// Per currency: a withdrawal at or above this amount needs two
    /// different admins' approvals.
    #[schema(value_type = ThresholdMap)]
    pub dual_approval_threshold: BTreeMap<String, String>,
    /// Whether players may cancel their own requested withdrawals.
    pub player_cancel_allowed: bool,
}

/// The actions only KYC-verified players may take, each at most once.
pub struct GatedActions;

impl PartialSchema for GatedActions {
    fn schema() -> RefOr<Schema> {
        ArrayBuilder::new()
            .items(super::enums::GatedAction::schema())
            .unique_items(true)
            .max_items(Some(protection::GatedAction::ALL.len()))
            .description(Some(
                "Actions only KYC-verified players may take, each at most once (`game`: opening a game session)",
            ))
            .into()
    }
}

impl ToSchema for GatedActions {}

/// Currency code → positive decimal amount string with at most that
/// currency's minor digits (`{"EUR": "2000.00"}`), one entry per currency;
/// `{}` switches the rule off.
pub struct ThresholdMap;

/// The amount pattern of `currency`'s thresholds.
fn threshold_pattern(currency: Currency) -> String {
    match currency.minor_units() {
        0 => format!("^[0-9]{{1,{THRESHOLD_DIGITS_MAX}}}$"),
        digits => format!("^[0-9]{{1,{THRESHOLD_DIGITS_MAX}}}(\\.[0-9]{{1,{digits}}})?$"),
    }
}

impl PartialSchema for ThresholdMap {
    fn schema() -> RefOr<Schema> {
        let mut map = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "Currency code to a positive decimal amount string with at most the currency's minor digits",
            ))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        for currency in Currency::ALL {
            let amount = ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(threshold_pattern(currency)))
                .min_length(Some(1))
                .max_length(Some(THRESHOLD_DIGITS_MAX + 4));
            map = map.property(currency.code(), amount);
        }
        map.into()
    }
}

impl ToSchema for ThresholdMap {}

/// `POST /me/exclusions`: a timeout of 1 to 42 days or a self-exclusion of
/// 180 to 1825 days, starting now.
#[derive(Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExclusionRequest {
    /// A short break.
    Timeout {
        /// Whole days.
        #[schema(minimum = 1, maximum = 42, example = 7)]
        days: u32,
    },
    /// A long one (about six months to five years).
    SelfExclusion {
        /// Whole days.
        #[schema(minimum = 180, maximum = 1825, example = 365)]
        days: u32,
    },
}

/// `PUT /me/limits`: sets, changes or removes one limit. A new or lower
/// limit applies at once; a higher one or a removal after the tenant's
/// `cooling_off_hours`.
#[derive(Serialize, ToSchema)]
pub struct LimitRequest {
    /// What the limit caps.
    #[schema(value_type = super::enums::LimitKind)]
    pub kind: String,
    /// Its rolling window.
    #[schema(value_type = super::enums::LimitPeriod)]
    pub period: String,
    /// Positive decimal amount in the wallet's currency with at most its
    /// minor digits; `null` removes the limit.
    #[schema(
        pattern = "^[0-9]{1,16}(\\.[0-9]{1,3})?$",
        min_length = 1,
        max_length = 20,
        example = "100.00",
        required = true
    )]
    pub amount: Option<String>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use protection::{COOLING_OFF_HOURS_MAX, ExclusionKind, GatedAction, THRESHOLD_AMOUNT_MAX};
    use serde_json::Value;

    fn schema(name: &str) -> &'static Value {
        &crate::openapi::document()["components"]["schemas"][name]
    }

    #[test]
    fn the_documented_policy_bounds_are_the_crates() {
        let policy = &schema("TenantPolicyBody")["properties"];
        assert_eq!(
            policy["cooling_off_hours"]["maximum"],
            COOLING_OFF_HOURS_MAX
        );
        assert_eq!(schema("GatedActions")["maxItems"], GatedAction::ALL.len());
        let below_max = "9".repeat(super::THRESHOLD_DIGITS_MAX);
        assert!(below_max.parse::<rust_decimal::Decimal>().unwrap() < THRESHOLD_AMOUNT_MAX);
        for currency in ledger::Currency::ALL {
            let pattern = schema("ThresholdMap")["properties"][currency.code()]["pattern"]
                .as_str()
                .unwrap();
            let re = regex::Regex::new(pattern).unwrap();
            let digits = currency.minor_units() as usize;
            let exact = format!(
                "{below_max}{}",
                if digits == 0 {
                    String::new()
                } else {
                    format!(".{}", "9".repeat(digits))
                }
            );
            assert!(re.is_match(&exact), "{currency}: {exact}");
            assert!(
                !re.is_match(&format!("1.{}", "0".repeat(digits + 1))),
                "{currency}"
            );
        }
    }

    #[test]
    fn the_documented_exclusion_days_are_the_crates() {
        let alternatives = schema("ExclusionRequest")["oneOf"].as_array().unwrap();
        for kind in ExclusionKind::ALL {
            let alternative = alternatives
                .iter()
                .find(|a| a["properties"]["kind"]["enum"][0] == kind.as_str())
                .unwrap_or_else(|| panic!("{kind} missing"));
            let days = &alternative["properties"]["days"];
            assert_eq!(days["minimum"], kind.min_days(), "{kind}");
            assert_eq!(days["maximum"], kind.max_days(), "{kind}");
        }
    }
}

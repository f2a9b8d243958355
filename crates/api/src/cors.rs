//! Cross-origin requests from the configured frontends
//! (`KASA__SERVER__CORS_ORIGINS`), and a refused preflight answered as a
//! problem document like every other error.

use actix_cors::{Cors, CorsError};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};

use crate::problem::ApiError;

/// Methods a browser may use.
const METHODS: [&str; 2] = ["GET", "POST"];
/// Request headers a browser may send.
const HEADERS: [&str; 3] = ["authorization", "content-type", "idempotency-key"];

/// The CORS policy: `origins` may call with [`METHODS`] and [`HEADERS`].
pub fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(METHODS)
        .allowed_headers(HEADERS)
        .expose_headers(["idempotent-replayed", "retry-after"])
        .max_age(600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// Why a preflight was refused, in the user's words.
fn refusal(err: &CorsError) -> ApiError {
    let detail = match err {
        CorsError::OriginNotAllowed | CorsError::MissingOrigin => {
            "this origin may not call the API from a browser: only the frontends' origins configured on the server may".to_owned()
        }
        CorsError::MethodNotAllowed | CorsError::MissingRequestMethod | CorsError::BadRequestMethod => {
            format!("a browser may call the API only with the methods {}", METHODS.join(", "))
        }
        CorsError::HeadersNotAllowed | CorsError::BadRequestHeaders => format!(
            "a browser may send only the request headers {}",
            HEADERS.join(", ")
        ),
        _ => "this cross-origin request is not allowed".to_owned(),
    };
    ApiError::CorsRefused(detail)
}

/// The middleware (`actix_web::middleware::from_fn`), wrapped around [`cors`]:
/// replaces the CORS layer's plain-text refusals with problem documents.
pub async fn refusals_as_problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let problem = res
        .response()
        .error()
        .and_then(|e| e.as_error::<CorsError>())
        .map(refusal);
    Ok(match problem {
        Some(problem) => {
            let answer: HttpResponse = problem.error_response();
            res.into_response(answer).map_into_right_body()
        }
        None => res.map_into_left_body(),
    })
}

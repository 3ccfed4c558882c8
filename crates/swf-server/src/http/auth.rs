//! Sign-in (`POST /auth/token`) and sign-out (`DELETE /auth/token`).
use super::no_content;
use crate::app::{AppState, Caller};
use crate::auth;
use crate::error::ApiResult;
use crate::service::{self, Ctx};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

pub(super) async fn token(State(st): State<AppState>, req: Request) -> ApiResult<Response> {
    // bounded body and fields, then throttle, then a bounded number of password checks
    let req = auth::read_sign_in(&st, req).await?;
    let user = match auth::authenticate(&st, &req).await {
        Ok(u) => u,
        Err(answer) => return Ok(answer),
    };
    let body = service::sign_in(&st, user).await?;
    Ok((
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response())
}

pub(super) async fn logout(State(st): State<AppState>, c: Caller) -> ApiResult<Response> {
    Ctx::new(&st, &c).sign_out().await?;
    Ok(no_content())
}

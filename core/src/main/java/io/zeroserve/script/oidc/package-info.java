/**
 * OpenID Connect login for the {@code zs_oidc_*} helpers: the Authorization Code flow with PKCE
 * ({@link io.zeroserve.script.oidc.OidcFlow}), the IdP's HTTP side ({@link io.zeroserve.script.oidc.IdpClient}),
 * id_token claim checks ({@link io.zeroserve.script.oidc.IdToken}; no JWKS signature check, as in the original),
 * and cookies sealed with XChaCha20-Poly1305 ({@link io.zeroserve.script.oidc.CookieSeal},
 * {@link io.zeroserve.script.oidc.XChaCha20Poly1305}). Depends only on the JDK and
 * {@link io.zeroserve.script.json}; the helper registration in {@code io.zeroserve.script} stays thin.
 */
package io.zeroserve.script.oidc;

/**
 * Recipes for the setups users ask about most, quoted by docs/recipes.md: a corporate CA or the JVM's trust store
 * ({@link org.securemail.examples.recipes.TrustRecipes}), Gmail and Microsoft 365 with OAuth 2.0
 * ({@link org.securemail.examples.recipes.OAuth2Recipes},
 * {@link org.securemail.examples.recipes.RefreshingTokenSupplier},
 * {@link org.securemail.examples.recipes.OAuth2TokenEndpoint}), Amazon SES and other submission services
 * ({@link org.securemail.examples.recipes.SubmissionRecipes}), and Mailpit or MailHog during development
 * ({@link org.securemail.examples.recipes.LocalDevelopmentRecipes}). Each is compiled with the build and exercised by
 * a test against servers on this machine; none of the tests contacts the providers named here.
 * {@link org.securemail.examples.recipes.FailureHandling} decides what to do with each failure type (docs/errors.md).
 */
package org.securemail.examples.recipes;

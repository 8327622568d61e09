/** Implementation of the engine; not exported, not API. */
package org.securemail.core.internal;

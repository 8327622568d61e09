/** Implementation details of the policy module; not exported, not API. */
package org.securemail.policy.internal;

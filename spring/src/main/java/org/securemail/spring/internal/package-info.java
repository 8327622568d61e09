/** The starter's implementation: property translation, the failure analyzer and the metrics listener. */
package org.securemail.spring.internal;

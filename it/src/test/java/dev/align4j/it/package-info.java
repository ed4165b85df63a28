/** Integration checks of the repository as a user meets it (examples, launcher, README code). */
package dev.align4j.it;

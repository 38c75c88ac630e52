package com.snapasset.spring.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application of {@link SpringBootEndToEndTest}: nothing but Spring Boot and the starter. It
 * has a package of its own, as a user's application does: component scanning must not reach the
 * auto-configuration's classes.
 */
@SpringBootApplication
class EndToEndApplication {}

package io.vmssrunnerscaler.testing;

import io.restassured.RestAssured;
import io.restassured.config.RestAssuredConfig;
import io.restassured.specification.RequestSpecification;

/**
 * A request to an operator endpoint with the operator token. The token is kept out of the request
 * log RestAssured writes when a check fails ({@code Authorization: [ BLACKLISTED ]}).
 */
public final class Operator {
    private Operator() {}

    public static RequestSpecification given(String token) {
        return RestAssured.given().config(quiet()).header("Authorization", "Bearer " + token);
    }

    /** The current configuration, with the sensitive headers (Authorization among them) left out of logs. */
    public static RestAssuredConfig quiet() {
        RestAssuredConfig config = RestAssured.config();
        return config.logConfig(config.getLogConfig().blacklistDefaultSensitiveHeaders());
    }
}

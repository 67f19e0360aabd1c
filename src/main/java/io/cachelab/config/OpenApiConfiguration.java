package io.cachelab.config;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * The OpenAPI document behind {@code /swagger-ui.html}: name, version and description from the build
 * ({@code META-INF/build-info.properties}, written by the spring-boot-maven-plugin), how to get a
 * token, the {@code bearerAuth} scheme (Swagger UI's Authorize button), and for every operation the
 * access {@link ApiAccessRules} gives it, the same rules {@link SecurityConfiguration} enforces.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class OpenApiConfiguration {
    static final String BEARER = "bearerAuth";
    /** Extension on secured operations: {@code USER} (any logged-in user) or {@code ADMIN}. */
    static final String REQUIRED_ROLE = "x-required-role";

    private static final String GUIDE = """

            **Trying it here.** Reads are public. For the rest:
            1. `POST /api/auth/code` with `{"phone":"13800000000"}`: the answer carries the 6-digit code while \
            `cachelab.auth.expose-code=true` (the default; there is no SMS gateway). Phones listed in \
            `cachelab.auth.admin-phones` (default `13800000000`) are ADMIN, any other 6 to 15 digit phone is a USER.
            2. `POST /api/auth/login` with the phone and the code: the answer's `token` is valid for 30 idle minutes.
            3. **Authorize** (top right): paste the token. Operations with a lock need it; each one says which role \
            (`x-required-role`: `USER` means any logged-in user, `ADMIN` an admin phone).

            **Errors** are RFC 9457 problem details (`application/problem+json`). Bad input is answered 400 with an \
            `errors` array naming each offending field or parameter, where it was (`body`, `query`, `path`), the rule \
            it broke and why; rejected values are never echoed back.

            **More:** the project's `README.md` (running it, configuration, the stack) and `docs/walkthroughs/` (how \
            each pattern and the engine work, with commands and their real output), in the source repository.
            """;

    @Bean
    OpenAPI cacheLabOpenApi(ObjectProvider<BuildProperties> build) {
        BuildProperties b = build.getIfAvailable();
        String title = b != null && b.getName() != null ? b.getName() : "CacheLab";
        String version = b != null && b.getVersion() != null ? b.getVersion() : "unknown (no build-info)";
        String summary = b != null && b.get("description") != null ? b.get("description") : "";
        return new OpenAPI()
                .info(new Info().title(title).version(version).description(summary + "\n" + GUIDE))
                .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .description("The `token` of POST /api/auth/login, sent as `Authorization: Bearer <token>`")));
    }

    /** Security requirement, required role and the 400/401/403 answers of every operation, from the rules. */
    @Bean
    OpenApiCustomizer accessRulesCustomizer() {
        return api -> {
            if (api.getPaths() == null) return;
            api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) ->
                    document(op, ApiAccessRules.accessFor(HttpMethod.valueOf(method.name()), path))));
        };
    }

    static void document(Operation op, ApiAccessRules.Access access) {
        if (op.getResponses() == null) op.setResponses(new ApiResponses());
        boolean takesInput = op.getRequestBody() != null || (op.getParameters() != null && !op.getParameters().isEmpty());
        if (takesInput && !op.getResponses().containsKey("400")) {
            op.getResponses().addApiResponse("400", new ApiResponse().description(
                    "Invalid input: a problem detail whose `errors` name each field or parameter, the rule and why"));
        }
        if (access == ApiAccessRules.Access.PUBLIC) return;
        op.addSecurityItem(new SecurityRequirement().addList(BEARER));
        op.addExtension(REQUIRED_ROLE, access.name());
        String needs = access == ApiAccessRules.Access.ADMIN
                ? "**Requires role ADMIN** (a bearer token of an admin phone)."
                : "**Requires a logged-in user** (a bearer token, any role).";
        op.setDescription(op.getDescription() == null ? needs : needs + "\n\n" + op.getDescription());
        op.getResponses().addApiResponse("401", new ApiResponse()
                .description("No bearer token, or an unknown or expired one (problem detail)"));
        if (access == ApiAccessRules.Access.ADMIN) {
            op.getResponses().addApiResponse("403", new ApiResponse()
                    .description("The token's user is not ADMIN (problem detail)"));
        }
    }
}

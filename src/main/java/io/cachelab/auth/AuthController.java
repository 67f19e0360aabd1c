package io.cachelab.auth;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "auth", description = "phone + one-time code login; sessions live in Redis")
@RestController
@RequestMapping("/api/auth")
class AuthController {
    /** The default admin phone (cachelab.auth.admin-phones), the example a newcomer logs in with. */
    static final String ADMIN_PHONE_EXAMPLE = "13800000000";

    private final AuthService auth;

    AuthController(AuthService auth) {
        this.auth = auth;
    }

    record CodeRequest(@Schema(description = "phones in cachelab.auth.admin-phones are ADMIN, others USER",
                               example = ADMIN_PHONE_EXAMPLE)
                       @NotBlank @Pattern(regexp = "\\d{6,15}", message = "must be 6 to 15 digits") String phone) {
    }

    record LoginRequest(@Schema(example = ADMIN_PHONE_EXAMPLE)
                        @NotBlank @Pattern(regexp = "\\d{6,15}", message = "must be 6 to 15 digits") String phone,
                        @Schema(description = "the code POST /api/auth/code answered", example = "123456")
                        @NotBlank @Pattern(regexp = "\\d{6}", message = "must be 6 digits") String code) {
    }

    @Operation(summary = "Issue a 6-digit code (2-minute TTL); returned in the body while cachelab.auth.expose-code=true")
    @PostMapping("/code")
    AuthService.Code code(@Valid @RequestBody CodeRequest request) {
        return auth.sendCode(request.phone());
    }

    @Operation(summary = "Log in with the code: 401 on a wrong code, 429 after 5 wrong codes in 10 minutes")
    @PostMapping("/login")
    AuthService.Session login(@Valid @RequestBody LoginRequest request) {
        return auth.login(request.phone(), request.code());
    }

    @Operation(summary = "End the session of the bearer token")
    @PostMapping("/logout")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void logout(@RequestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
        auth.logout(BearerTokenFilter.token(authorization));
    }

    @Operation(summary = "The user of the bearer token")
    @GetMapping("/me")
    AuthUser me(@AuthenticationPrincipal AuthUser user) {
        return user;
    }
}

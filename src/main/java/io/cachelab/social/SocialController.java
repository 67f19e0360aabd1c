package io.cachelab.social;

import io.cachelab.auth.AuthUser;
import io.cachelab.auth.UserDirectory;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows, a feed and daily sign-in: the handbook's social features on Redis sets, sorted sets and
 * bitmaps. Who may call what is in config.ApiAccessRules: {@code /api/users/me/**} needs a user,
 * reading anyone's follow lists is public.
 */
@Tag(name = "social", description = "follows (SET, SINTER), a feed (ZSET, fan-out on write), sign-in (SETBIT, BITCOUNT, BITFIELD)")
@RestController
class SocialController {
    private final Follows follows;
    private final Feed feed;
    private final SignIns signIns;
    private final UserDirectory users;
    private final ZoneId zone;

    SocialController(Follows follows, Feed feed, SignIns signIns, UserDirectory users,
                     @Value("${cachelab.social.zone:UTC}") ZoneId zone) {
        this.follows = follows;
        this.feed = feed;
        this.signIns = signIns;
        this.users = users;
        this.zone = zone;
    }

    record NewPost(@Schema(example = "Cache-aside, measured") @NotBlank @Size(max = 280) String text) {
    }

    @Operation(summary = "Follow a user: SADD to both sides in one script; following twice changes nothing")
    @PutMapping("/api/users/me/following/{id}")
    Follows.Change follow(@PathVariable @Positive long id, @AuthenticationPrincipal AuthUser me) {
        notYourself(id, me);
        requireUser(id);
        return follows.follow(me.id(), id);
    }

    @Operation(summary = "Unfollow a user: SREM from both sides in one script")
    @DeleteMapping("/api/users/me/following/{id}")
    Follows.Change unfollow(@PathVariable @Positive long id, @AuthenticationPrincipal AuthUser me) {
        notYourself(id, me);
        return follows.unfollow(me.id(), id);
    }

    @Operation(summary = "Whom a user follows (SMEMBERS), ids ascending")
    @GetMapping("/api/users/{id}/following")
    Follows.Ids following(@PathVariable @Positive long id) {
        requireUser(id);
        return follows.following(id);
    }

    @Operation(summary = "Who follows a user (SMEMBERS), ids ascending")
    @GetMapping("/api/users/{id}/followers")
    Follows.Ids followers(@PathVariable @Positive long id) {
        requireUser(id);
        return follows.followers(id);
    }

    @Operation(summary = "Whom both users follow: SINTER of their following sets")
    @GetMapping("/api/users/{id}/common-following")
    Follows.Common common(@PathVariable @Positive long id, @RequestParam("with") @Positive long with) {
        requireUser(id);
        requireUser(with);
        return follows.common(id, with);
    }

    @Operation(summary = "Post: a hash, its id pushed into the feed ZSET of the author and of every follower")
    @PostMapping("/api/users/me/posts")
    @ResponseStatus(HttpStatus.CREATED)
    Feed.Posted post(@Valid @RequestBody NewPost post, @AuthenticationPrincipal AuthUser me) {
        return feed.post(me.id(), post.text());
    }

    @Operation(summary = "The user's feed, newest first (ZREVRANGEBYSCORE); the next page is ?before=<next>")
    @GetMapping("/api/users/me/feed")
    Feed.Page feed(@RequestParam(required = false) @Positive Long before,
                   @RequestParam(defaultValue = "10") @Min(1) @Max(100) int limit,
                   @AuthenticationPrincipal AuthUser me) {
        return feed.page(me.id(), before, limit);
    }

    @Operation(summary = "Sign in today: SETBIT; answers the month's count (BITCOUNT) and the streak (BITFIELD)")
    @PostMapping("/api/users/me/sign-ins")
    SignIns.SignIn signIn(@AuthenticationPrincipal AuthUser me) {
        return signIns.signIn(me.id(), LocalDate.now(zone));
    }

    @Operation(summary = "A month's sign-ins (default this month): the days, their count and the streak",
            description = "month as yyyy-MM; the streak ends today in the current month, on the last day in a past one.")
    @GetMapping("/api/users/me/sign-ins")
    SignIns.Month signIns(@RequestParam(required = false) YearMonth month, @AuthenticationPrincipal AuthUser me) {
        LocalDate today = LocalDate.now(zone);
        return signIns.month(me.id(), month == null ? YearMonth.from(today) : month, today);
    }

    /** Bad input the annotations cannot see: the same problem shape as theirs, naming the field and the rule. */
    private static void notYourself(long id, AuthUser me) {
        if (id != me.id()) return;
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "invalid input: id: is your own id (a user cannot follow themselves)");
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("field", "id");
        error.put("in", "path");
        error.put("rule", "not yourself");
        error.put("message", "is your own id (a user cannot follow themselves)");
        p.setProperty("errors", List.of(error));
        throw new ErrorResponseException(HttpStatus.BAD_REQUEST, p, null);
    }

    private void requireUser(long id) {
        if (!users.exists(id)) throw new ResponseStatusException(HttpStatus.NOT_FOUND, "user " + id + " does not exist");
    }
}

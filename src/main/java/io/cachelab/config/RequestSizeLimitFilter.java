package io.cachelab.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * Refuses request bodies above {@code cachelab.http.max-body-size} (64 KB by default) before anything
 * buffers them: a declared Content-Length over the limit is answered 400 at once, and a chunked body
 * is cut off when it passes the limit (the JSON reader then fails and answers 400). Every JSON body of
 * this API is a few hundred bytes; the limit is what stands between a hostile client and the heap.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestSizeLimitFilter extends OncePerRequestFilter {
    /** How a cut-off body is reported; {@link ApiExceptionHandler} recognises it and answers with it. */
    static final String TOO_LARGE = "request body exceeds the limit of ";

    private final long limit;
    private final JsonMapper json;

    RequestSizeLimitFilter(@Value("${cachelab.http.max-body-size:64KB}") DataSize limit, JsonMapper json) {
        this.limit = limit.toBytes();
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            SecurityConfiguration.problem(json, request, response, HttpStatus.BAD_REQUEST,
                    "request body of " + declared + " bytes exceeds the limit of " + limit + " bytes");
            return;
        }
        chain.doFilter(declared >= 0 ? request : new Bounded(request, limit), response);
    }

    /** Counts a body of unknown length as it is read and stops at the limit. */
    private static final class Bounded extends HttpServletRequestWrapper {
        private final long limit;

        Bounded(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            return new ServletInputStream() {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0 && ++read > limit) throw tooLarge();
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = in.read(buf, off, len);
                    if (n > 0 && (read += n) > limit) throw tooLarge();
                    return n;
                }

                private IOException tooLarge() {
                    return new IOException(TOO_LARGE + limit + " bytes");
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}

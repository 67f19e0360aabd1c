package io.cachelab.coupon;

import com.baomidou.mybatisplus.annotation.IdType;
import com.baomidou.mybatisplus.annotation.TableId;
import com.baomidou.mybatisplus.annotation.TableName;

import java.time.LocalDateTime;

/**
 * A claim that failed {@code cachelab.claims.max-deliveries} times, parked in {@code claim_dead_letter}
 * instead of being retried forever (a poison message would otherwise hold its stream entry pending and
 * be redelivered on every reclaim pass). {@code source} says which queue gave up: redis or kafka.
 */
@TableName("claim_dead_letter")
class DeadLetter {
    @TableId(type = IdType.AUTO)
    private Long id;
    private String claimNo;
    private Long couponId;
    private Long userId;
    private Integer deliveries;
    private String source;
    private String error;
    private LocalDateTime createdAt;

    DeadLetter() {
    }

    DeadLetter(Claim claim, int deliveries, String source, String error) {
        this.claimNo = claim.claimNo();
        this.couponId = claim.couponId();
        this.userId = claim.userId();
        this.deliveries = deliveries;
        this.source = source;
        this.error = error == null ? "" : error.length() > 1000 ? error.substring(0, 1000) : error;
        this.createdAt = LocalDateTime.now(java.time.ZoneOffset.UTC);
    }

    public Long getId() { return id; }
    public void setId(Long id) { this.id = id; }
    public String getClaimNo() { return claimNo; }
    public void setClaimNo(String claimNo) { this.claimNo = claimNo; }
    public Long getCouponId() { return couponId; }
    public void setCouponId(Long couponId) { this.couponId = couponId; }
    public Long getUserId() { return userId; }
    public void setUserId(Long userId) { this.userId = userId; }
    public Integer getDeliveries() { return deliveries; }
    public void setDeliveries(Integer deliveries) { this.deliveries = deliveries; }
    public String getSource() { return source; }
    public void setSource(String source) { this.source = source; }
    public String getError() { return error; }
    public void setError(String error) { this.error = error; }
    public LocalDateTime getCreatedAt() { return createdAt; }
    public void setCreatedAt(LocalDateTime createdAt) { this.createdAt = createdAt; }
}

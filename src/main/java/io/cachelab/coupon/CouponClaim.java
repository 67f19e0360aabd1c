package io.cachelab.coupon;

import com.baomidou.mybatisplus.annotation.IdType;
import com.baomidou.mybatisplus.annotation.TableId;
import com.baomidou.mybatisplus.annotation.TableName;

import java.time.LocalDateTime;

/**
 * A persisted claim: a row of {@code coupon_claim}, written only by the worker (or the Kafka consumer).
 * Times are UTC wall-clock, as in {@link Coupon}.
 */
@TableName("coupon_claim")
class CouponClaim {
    @TableId(type = IdType.AUTO)
    private Long id;
    private String claimNo;
    private Long couponId;
    private Long userId;
    private String status;
    private LocalDateTime createdAt;

    CouponClaim() {
    }

    CouponClaim(String claimNo, long couponId, long userId) {
        this.claimNo = claimNo;
        this.couponId = couponId;
        this.userId = userId;
        this.status = "CLAIMED";
        // UTC like the coupon's window, whatever the database server's time zone
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
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public LocalDateTime getCreatedAt() { return createdAt; }
    public void setCreatedAt(LocalDateTime createdAt) { this.createdAt = createdAt; }
}

package io.cachelab.coupon;

import com.baomidou.mybatisplus.annotation.IdType;
import com.baomidou.mybatisplus.annotation.TableId;
import com.baomidou.mybatisplus.annotation.TableName;

import java.time.LocalDateTime;

/**
 * A row of {@code coupon}. Times are stored as UTC wall-clock DATETIMEs (the column type MySQL and H2
 * share); {@link CouponService} converts them to instants at the edge. {@code stock} here is the
 * database's count, decremented by the claim worker; the count claims are decided on lives in Redis.
 */
@TableName("coupon")
class Coupon {
    @TableId(type = IdType.AUTO)
    private Long id;
    private String title;
    private Integer stock;
    private LocalDateTime beginAt;
    private LocalDateTime endAt;
    private Integer perUserLimit;
    private Integer version;
    private LocalDateTime createdAt;
    private LocalDateTime updatedAt;

    public Long getId() { return id; }
    public void setId(Long id) { this.id = id; }
    public String getTitle() { return title; }
    public void setTitle(String title) { this.title = title; }
    public Integer getStock() { return stock; }
    public void setStock(Integer stock) { this.stock = stock; }
    public LocalDateTime getBeginAt() { return beginAt; }
    public void setBeginAt(LocalDateTime beginAt) { this.beginAt = beginAt; }
    public LocalDateTime getEndAt() { return endAt; }
    public void setEndAt(LocalDateTime endAt) { this.endAt = endAt; }
    public Integer getPerUserLimit() { return perUserLimit; }
    public void setPerUserLimit(Integer perUserLimit) { this.perUserLimit = perUserLimit; }
    public Integer getVersion() { return version; }
    public void setVersion(Integer version) { this.version = version; }
    public LocalDateTime getCreatedAt() { return createdAt; }
    public void setCreatedAt(LocalDateTime createdAt) { this.createdAt = createdAt; }
    public LocalDateTime getUpdatedAt() { return updatedAt; }
    public void setUpdatedAt(LocalDateTime updatedAt) { this.updatedAt = updatedAt; }
}

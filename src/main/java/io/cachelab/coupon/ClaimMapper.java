package io.cachelab.coupon;

import com.baomidou.mybatisplus.core.mapper.BaseMapper;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

import java.util.List;

/**
 * Claim SQL beyond BaseMapper's insert: the counts the admin view, the stock change and the tests
 * compare, and the lookups by claim number (the id the API answered with) and by user.
 */
@Mapper
interface ClaimMapper extends BaseMapper<CouponClaim> {

    @Select("SELECT COUNT(*) FROM coupon_claim WHERE coupon_id = #{couponId}")
    long countByCoupon(@Param("couponId") long couponId);

    @Select("SELECT * FROM coupon_claim WHERE claim_no = #{claimNo}")
    CouponClaim findByNo(@Param("claimNo") String claimNo);

    @Select("SELECT user_id FROM coupon_claim WHERE coupon_id = #{couponId}")
    List<Long> userIds(@Param("couponId") long couponId);

    @Select("SELECT * FROM coupon_claim WHERE user_id = #{userId} ORDER BY id DESC LIMIT 100")
    List<CouponClaim> findByUser(@Param("userId") long userId);

    /** Users with more than one row for a coupon; the unique key makes this empty, tests check it anyway. */
    @Select("SELECT COUNT(*) FROM (SELECT user_id FROM coupon_claim WHERE coupon_id = #{couponId} "
            + "GROUP BY user_id HAVING COUNT(*) > 1) d")
    long duplicateUsers(@Param("couponId") long couponId);
}

package io.cachelab.coupon;

import com.baomidou.mybatisplus.core.mapper.BaseMapper;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

import java.util.List;

/** Dead letter SQL: newest first for the admin endpoint, by claim for status, by coupon for the stock count. */
@Mapper
interface DeadLetterMapper extends BaseMapper<DeadLetter> {

    @Select("SELECT * FROM claim_dead_letter ORDER BY id DESC LIMIT #{limit}")
    List<DeadLetter> latest(@Param("limit") int limit);

    @Select("SELECT COUNT(*) FROM claim_dead_letter WHERE coupon_id = #{couponId}")
    long countByCoupon(@Param("couponId") long couponId);

    @Select("SELECT * FROM claim_dead_letter WHERE claim_no = #{claimNo}")
    DeadLetter findByNo(@Param("claimNo") String claimNo);
}

package io.cachelab.coupon;

import com.baomidou.mybatisplus.core.mapper.BaseMapper;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/**
 * Coupon SQL. The decrement is conditional ({@code stock > 0}) so the database can never go negative
 * even if Redis and the database disagreed; its row count tells the worker whether it happened.
 */
@Mapper
interface CouponMapper extends BaseMapper<Coupon> {

    @Update("UPDATE coupon SET stock = stock - 1, version = version + 1 WHERE id = #{id} AND stock > 0")
    int decrementStock(@Param("id") long id);

    /** Row lock held until commit: claim persistence (which updates this row) waits meanwhile. */
    @Select("SELECT * FROM coupon WHERE id = #{id} FOR UPDATE")
    Coupon selectForUpdate(@Param("id") long id);

    @Update("UPDATE coupon SET stock = #{stock}, version = version + 1 WHERE id = #{id}")
    int setStock(@Param("id") long id, @Param("stock") int stock);
}

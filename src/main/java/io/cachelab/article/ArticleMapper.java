package io.cachelab.article;

import com.baomidou.mybatisplus.core.mapper.BaseMapper;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

import java.util.List;

/**
 * Article SQL. BaseMapper covers CRUD and paging; {@link #insertAll} exists because the benchmark
 * generator needs 100,000+ rows in seconds, and one multi-row INSERT per chunk is fast on H2 and
 * MySQL alike without driver-specific batch rewriting.
 */
@Mapper
interface ArticleMapper extends BaseMapper<Article> {

    @Insert("""
            <script>
            INSERT INTO article (title, summary, content, author, view_count, like_count, status) VALUES
            <foreach collection="rows" item="a" separator=",">
              (#{a.title}, #{a.summary}, #{a.content}, #{a.author}, #{a.viewCount}, #{a.likeCount}, #{a.status})
            </foreach>
            </script>""")
    int insertAll(@Param("rows") List<Article> rows);

    @Select("SELECT id FROM article WHERE id > #{afterId} ORDER BY id LIMIT #{limit}")
    List<Long> idsAfter(@Param("afterId") long afterId, @Param("limit") int limit);

    @Select("SELECT MAX(id) FROM article")
    Long maxId();
}

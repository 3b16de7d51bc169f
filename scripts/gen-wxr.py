#!/usr/bin/env python3
"""Writes a WordPress + wpDiscuz export (WXR 1.2) of POSTS posts with COMMENTS comments in all:
threaded (a third are replies), a third with wpDiscuz votes, some feedback on a passage, some
held. For scripts/bench-import: `gen-wxr.py POSTS COMMENTS > file.xml`."""
import random
import sys

posts, total = int(sys.argv[1]), int(sys.argv[2])
random.seed(20261130)
words = "treaty asylum court parliament vote refugees beijing ankara rights law families appeal report".split()
out = sys.stdout
out.write('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
          'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><title>Bench</title><link>https://bench.example</link>'
          '<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://bench.example</wp:base_site_url>'
          '<wp:base_blog_url>https://bench.example</wp:base_blog_url>\n')
cid = 0
per = total // posts
for p in range(1, posts + 1):
    out.write(f'<item><title>Bench post {p}</title><link>https://bench.example/2025/01/01/bench-{p}/</link>'
              f'<content:encoded><![CDATA[<!-- wp:paragraph --><p>Opening paragraph of post {p}.</p><!-- /wp:paragraph -->'
              f'<p>[wpdiscuz-feedback id="fb{p}" question="Fair?" opened="0"]The passage readers discuss in post {p}[/wpdiscuz-feedback] and more.</p>]]></content:encoded>'
              f'<excerpt:encoded><![CDATA[Standfirst {p}]]></excerpt:encoded><wp:post_id>{p}</wp:post_id>'
              f'<wp:post_date_gmt><![CDATA[2025-01-01 08:00:00]]></wp:post_date_gmt><wp:comment_status><![CDATA[open]]></wp:comment_status>'
              f'<wp:post_name><![CDATA[bench-{p}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status>'
              f'<wp:post_type><![CDATA[post]]></wp:post_type><category domain="category" nicename="world"><![CDATA[World]]></category>\n')
    first = cid + 1
    for i in range(per):
        cid += 1
        parent = random.randint(first, cid - 1) if cid > first and random.random() < 0.33 else 0
        body = " ".join(random.choice(words) for _ in range(random.randint(8, 60))).capitalize() + "."
        meta = ""
        if random.random() < 0.33:
            like, dislike = random.randint(0, 40), random.randint(0, 8)
            meta += (f'<wp:commentmeta><wp:meta_key><![CDATA[wpdiscuz_votes_seperate]]></wp:meta_key><wp:meta_value><![CDATA['
                     f'a:2:{{s:4:"like";i:{like};s:7:"dislike";i:{dislike};}}]]></wp:meta_value></wp:commentmeta>'
                     f'<wp:commentmeta><wp:meta_key><![CDATA[wpdiscuz_votes]]></wp:meta_key><wp:meta_value><![CDATA[{like - dislike}]]></wp:meta_value></wp:commentmeta>')
        if parent == 0 and random.random() < 0.05:
            meta += '<wp:commentmeta><wp:meta_key><![CDATA[wpdiscuz_feedback_form_id]]></wp:meta_key><wp:meta_value><![CDATA[1]]></wp:meta_value></wp:commentmeta>'
        approved = "0" if random.random() < 0.03 else "1"
        minute = i % 60
        out.write(f'<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_author><![CDATA[Reader {cid % 997}]]></wp:comment_author>'
                  f'<wp:comment_author_email><![CDATA[reader{cid % 997}@example.com]]></wp:comment_author_email><wp:comment_author_url></wp:comment_author_url>'
                  f'<wp:comment_author_IP><![CDATA[192.0.2.{cid % 250}]]></wp:comment_author_IP>'
                  f'<wp:comment_date_gmt><![CDATA[2025-01-{1 + i // 1440 % 28:02d} {i // 60 % 24:02d}:{minute:02d}:00]]></wp:comment_date_gmt>'
                  f'<wp:comment_content><![CDATA[{body}]]></wp:comment_content><wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>'
                  f'<wp:comment_type><![CDATA[comment]]></wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent>{meta}</wp:comment>\n')
    out.write('</item>\n')
out.write('</channel></rss>\n')

-- An administrator can disable a user (`swf-server user disable`): from that moment (microseconds
-- since the epoch) the user cannot sign in and its tokens stop working. NULL: active.
ALTER TABLE gebruikers ADD COLUMN uitgeschakeld BIGINT;

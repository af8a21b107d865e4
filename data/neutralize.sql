-- Neutralized copies must never talk to the users' real calendars, nor finish
-- a sign-in started on the original database (pending OAuth flow: nonce, PKCE
-- verifier, Outlook's auth code flow).
UPDATE calendar_sync_account
   SET access_token = NULL,
       refresh_token = NULL,
       token_expiry = NULL,
       sync_token = NULL,
       last_sync_date = NULL,
       oauth_nonce = NULL,
       oauth_code_verifier = NULL,
       oauth_flow = NULL,
       state = 'not_connected',
       sync_stopped = TRUE;

<#-- Test-only company wrapper of every html email: a red banner with the company name and a footer. -->
<#macro emailLayout>
<html lang="${locale.language}" dir="${(ltr)?then('ltr','rtl')}">
<body style="margin:0;font-family:Arial,Helvetica,sans-serif;color:#222">
<div id="acme-brand" style="background:#b00020;color:#fff;font-size:22px;font-weight:bold;padding:14px 24px">ACME Corp</div>
<div style="padding:8px 24px">
    <#nested>
</div>
<div style="border-top:1px solid #ddd;color:#777;font-size:12px;padding:8px 24px">${msg("acmeFooter")}</div>
</body>
</html>
</#macro>

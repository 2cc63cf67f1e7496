<#ftl output_format="plainText">
${msg("breachHygieneIntro", user.username, realmName)}

<#if askMfa>
- ${msg("breachHygieneMfa")}
</#if>
<#if askPassword>
- ${msg("breachHygienePassword", passwordAgeDays)}
</#if>

${msg("breachHygieneHow")}

${msg("breachReminderNoLink")}

${msg("breachReminderNeverAsk")}

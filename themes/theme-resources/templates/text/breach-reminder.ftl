<#ftl output_format="plainText">
${msg("breachReminderIntro", user.username, incidentTitle)}

${msg("breachReminderTodo")}
<#if askEnrol>
- ${msg("breachReminderEnrol")}
</#if>
<#if askStepUp>
- ${msg("breachReminderStepUp")}
</#if>
<#if askPassword>
- ${msg("breachReminderPassword")}
</#if>
<#if deadline?has_content>

${msg("breachReminderDeadline", deadline)}
</#if>

${msg("breachReminderNoLink")}

${msg("breachReminderNeverAsk")}

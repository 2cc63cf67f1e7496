<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("breachReminderIntro", user.username, incidentTitle)}</p>
<p>${msg("breachReminderTodo")}</p>
<ul>
<#if askEnrol><li>${msg("breachReminderEnrol")}</li></#if>
<#if askStepUp><li>${msg("breachReminderStepUp")}</li></#if>
<#if askPassword><li>${msg("breachReminderPassword")}</li></#if>
</ul>
<#if deadline?has_content><p>${msg("breachReminderDeadline", deadline)}</p></#if>
<p><strong>${msg("breachReminderNoLink")}</strong></p>
<p>${msg("breachReminderNeverAsk")}</p>
</@layout.emailLayout>

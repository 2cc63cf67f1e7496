<#import "template.ftl" as layout>
<#-- "This wasn't me" (Breach Response for Keycloak): the page behind the report link of a security email. The GET shows
     what happened and a button; only the button's POST acts. States: confirm, done, already, used, expired, invalid. -->
<@layout.registrationLayout displayMessage=false; section>
<!-- template: breach-report.ftl -->
    <#if section = "header">
        ${msg("breachReportTitle")}
    <#elseif section = "form">
    <div id="breach-report" data-state="${breachReport.state}" class="${properties.kcContentWrapperClass!}">
        <#if breachReport.state = "confirm">
            <p id="breach-report-what"><strong>${msg("breachReportWhat." + breachReport.change, breachReport.username)}</strong></p>
            <p>${msg("breachReportConfirmIntro")}</p>
            <form id="kc-breach-report-form" class="${properties.kcFormClass!}" action="${breachReport.action}" method="POST">
                <input type="hidden" name="key" value="${breachReport.key}"/>
                <div class="${properties.kcFormGroupClass!}">
                    <div id="kc-form-buttons" class="${properties.kcFormButtonsClass!}">
                        <button class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}" id="kc-breach-report" type="submit">${msg("breachReportConfirm")}</button>
                    </div>
                </div>
            </form>
            <p id="breach-report-if-you">${msg("breachReportIfYou")}</p>
        <#elseif breachReport.state = "done">
            <div class="${properties.kcAlertClass!} pf-m-success">
                <div class="${properties.kcAlertIconClass!}"><i class="${properties.kcFeedbackSuccessIcon!}" aria-hidden="true"></i></div>
                <span id="breach-report-done" class="${properties.kcAlertTitleClass!}">${msg("breachReportDone")}</span>
            </div>
        <#elseif breachReport.state = "already">
            <p id="breach-report-already">${msg("breachReportAlready")}</p>
        <#else>
            <div class="${properties.kcAlertClass!} pf-m-warning">
                <div class="${properties.kcAlertIconClass!}"><i class="${properties.kcFeedbackWarningIcon!}" aria-hidden="true"></i></div>
                <span id="breach-report-${breachReport.state}" class="${properties.kcAlertTitleClass!}">${msg("breachReport." + breachReport.state)}</span>
            </div>
        </#if>
    </div>
    </#if>
</@layout.registrationLayout>
